// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cuda_driver.h"

#include <dlfcn.h>
#include <mutex>

namespace kopt {
namespace {

using GetProcAddressFn = CUresult (*)(const char*, void**, int, cuuint64_t,
                                      CUdriverProcAddressQueryResult*);

struct LoadedDriver {
  DriverApi api;
  std::string error;  // empty when loaded
};

LoadedDriver Load() {
  LoadedDriver out;
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    out.error = "no CUDA driver: libcuda.so.1 could not be loaded (" + std::string(dlerror()) +
                "); this command needs an NVIDIA GPU and its driver";
    return out;
  }
  auto get_proc = reinterpret_cast<GetProcAddressFn>(dlsym(lib, "cuGetProcAddress_v2"));
  if (!get_proc) {
    out.error = "the NVIDIA driver is too old: cuGetProcAddress_v2 is missing (need R525+)";
    return out;
  }
  std::string missing;
#define KOPT_LOAD_DRIVER_FUNCTION(name)                                             \
  {                                                                                 \
    void* fn = nullptr;                                                             \
    CUdriverProcAddressQueryResult status{};                                        \
    if (get_proc(#name, &fn, CUDA_VERSION, CU_GET_PROC_ADDRESS_DEFAULT, &status) != \
            CUDA_SUCCESS ||                                                         \
        !fn) {                                                                      \
      missing += std::string(missing.empty() ? "" : ", ") + #name;                  \
    }                                                                               \
    out.api.name = reinterpret_cast<decltype(out.api.name)>(fn);                    \
  }
  KOPT_DRIVER_FUNCTIONS(KOPT_LOAD_DRIVER_FUNCTION)
#undef KOPT_LOAD_DRIVER_FUNCTION
  if (!missing.empty()) {
    out.error = "the NVIDIA driver lacks functions kopt needs (" + missing +
                "); it is older than the CUDA " + std::to_string(CUDA_VERSION / 1000) +
                " toolkit kopt was built with";
    return out;
  }
  CUresult init = out.api.cuInit(0);
  if (init != CUDA_SUCCESS) {
    const char* name = nullptr;
    out.api.cuGetErrorName(init, &name);
    out.error = std::string("the CUDA driver did not initialise (") + (name ? name : "?") +
                "): is there an NVIDIA GPU on this machine, and does the driver match?";
  }
  return out;
}

const LoadedDriver& Loaded() {
  static const LoadedDriver kLoaded = Load();
  return kLoaded;
}

}  // namespace

const DriverApi& Driver() {
  const LoadedDriver& d = Loaded();
  if (!d.error.empty()) throw NoDriverError(d.error);
  return d.api;
}

bool DriverAvailable(std::string* why) {
  const LoadedDriver& d = Loaded();
  if (why) *why = d.error;
  return d.error.empty();
}

std::string DescribeCuResult(CUresult code) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (DriverAvailable()) {
    Driver().cuGetErrorName(code, &name);
    Driver().cuGetErrorString(code, &text);
  }
  return std::string(name ? name : "CUDA error " + std::to_string(code)) + ": " +
         (text ? text : "unknown");
}

bool IsStickyError(CUresult code) {
  switch (code) {
    case CUDA_ERROR_ILLEGAL_ADDRESS:
    case CUDA_ERROR_LAUNCH_TIMEOUT:
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
    case CUDA_ERROR_MISALIGNED_ADDRESS:
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
    case CUDA_ERROR_INVALID_PC:
    case CUDA_ERROR_LAUNCH_FAILED:
    case CUDA_ERROR_ECC_UNCORRECTABLE:
    case CUDA_ERROR_CONTEXT_IS_DESTROYED:
      return true;
    default:
      return false;
  }
}

void ThrowCuResult(CUresult code, const char* call, const char* file, int line) {
  throw CuResultError(code, DescribeCuResult(code) + " (" + call + " at " + file + ":" +
                                std::to_string(line) + ")");
}

}  // namespace kopt
