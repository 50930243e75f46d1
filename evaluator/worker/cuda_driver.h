// SPDX-License-Identifier: Apache-2.0
// The CUDA driver API, loaded at run time from libcuda.so.1 so that kopt starts on machines with
// no NVIDIA driver (CI, laptops). Entry points come from cuGetProcAddress with the header's
// CUDA_VERSION, so each has the ABI that cuda.h declares.
#pragma once

#include "core/error.h"

#include <cuda.h>

#include <string>

namespace kopt {

// Every driver function kopt calls. Add one here to use it.
#define KOPT_DRIVER_FUNCTIONS(X)                 \
  X(cuInit)                                      \
  X(cuDriverGetVersion)                          \
  X(cuDeviceGet)                                 \
  X(cuDeviceGetCount)                            \
  X(cuDeviceGetName)                             \
  X(cuDeviceGetAttribute)                        \
  X(cuDeviceTotalMem)                            \
  X(cuDeviceGetUuid)                             \
  X(cuDevicePrimaryCtxRetain)                    \
  X(cuDevicePrimaryCtxRelease)                   \
  X(cuCtxSetCurrent)                             \
  X(cuCtxSynchronize)                            \
  X(cuCtxGetCurrent)                             \
  X(cuModuleLoadData)                            \
  X(cuModuleUnload)                              \
  X(cuModuleGetFunction)                         \
  X(cuFuncGetAttribute)                          \
  X(cuFuncSetAttribute)                          \
  X(cuLaunchKernel)                              \
  X(cuLaunchKernelEx)                            \
  X(cuMemAlloc)                                  \
  X(cuMemFree)                                   \
  X(cuMemGetInfo)                                \
  X(cuMemcpyHtoD)                                \
  X(cuMemcpyDtoH)                                \
  X(cuMemcpyDtoDAsync)                           \
  X(cuMemsetD8)                                  \
  X(cuMemsetD16)                                 \
  X(cuMemsetD32)                                 \
  X(cuMemsetD32Async)                            \
  X(cuMemsetD16Async)                            \
  X(cuMemsetD8Async)                             \
  X(cuMemcpyHtoDAsync)                           \
  X(cuStreamCreate)                              \
  X(cuStreamDestroy)                             \
  X(cuStreamSynchronize)                         \
  X(cuEventCreate)                               \
  X(cuEventDestroy)                              \
  X(cuEventRecord)                               \
  X(cuEventSynchronize)                          \
  X(cuEventElapsedTime)                          \
  X(cuGetErrorName)                              \
  X(cuGetErrorString)                            \
  X(cuOccupancyMaxActiveBlocksPerMultiprocessor) \
  X(cuTensorMapEncodeTiled)

struct DriverApi {
// `name` is an identifier, which ::(name) would not accept.
// NOLINTNEXTLINE(bugprone-macro-parentheses)
#define KOPT_DECLARE_DRIVER_FUNCTION(name) decltype(&::name) name = nullptr;
  KOPT_DRIVER_FUNCTIONS(KOPT_DECLARE_DRIVER_FUNCTION)
#undef KOPT_DECLARE_DRIVER_FUNCTION
};

/// The loaded driver, initialised with cuInit. Throws NoDriverError when libcuda.so.1 is missing
/// or cuInit fails (no device, driver/toolkit mismatch), with a message saying which.
const DriverApi& Driver();
/// True when a driver can be loaded and initialised; never throws.
bool DriverAvailable(std::string* why = nullptr);

/// A failed driver call, keeping the code so callers can tell a sticky error from others.
class CuResultError : public CudaError {
 public:
  CuResultError(CUresult code, const std::string& what) : CudaError(what), code_(code) {}
  CUresult code() const { return code_; }

 private:
  CUresult code_;
};

/// "CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was encountered".
std::string DescribeCuResult(CUresult code);
/// Errors after which the context is unusable and the process must be replaced.
bool IsStickyError(CUresult code);
[[noreturn]] void ThrowCuResult(CUresult code, const char* call, const char* file, int line);

}  // namespace kopt

#define KOPT_CU(call)                                                    \
  do {                                                                   \
    CUresult kopt_cu_result_ = (call);                                   \
    if (kopt_cu_result_ != CUDA_SUCCESS) {                               \
      ::kopt::ThrowCuResult(kopt_cu_result_, #call, __FILE__, __LINE__); \
    }                                                                    \
  } while (0)
