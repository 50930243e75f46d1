// SPDX-License-Identifier: Apache-2.0
// Small RAII owners for the driver objects the worker uses: the context, modules, streams,
// events, and device buffers with guard zones on both sides. Worker-side only.
#pragma once

#include "core/device_info.h"
#include "core/launch_block.h"
#include "core/poison.h"

#include <cuda.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kopt {

/// Reads name, limits and sizes of device `index` (the driver must be loaded).
DeviceInfo QueryDevice(int index);

/// The device's primary context, made current on construction.
class GpuContext {
 public:
  explicit GpuContext(int device_index);
  ~GpuContext();
  GpuContext(const GpuContext&) = delete;
  GpuContext& operator=(const GpuContext&) = delete;
  const DeviceInfo& device() const { return device_; }
  CUstream stream() const { return stream_; }

 private:
  CUdevice cu_device_ = 0;
  CUstream stream_ = nullptr;
  DeviceInfo device_;
};

class Module {
 public:
  /// Throws CuResultError when the driver rejects the cubin.
  explicit Module(const std::string& cubin);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  /// nullptr when the module has no such extern "C" kernel.
  CUfunction Find(const std::string& kernel) const;

 private:
  CUmodule module_ = nullptr;
};

/// A device allocation with guard zones before and after the usable bytes. The guards hold a
/// known pattern; any write outside [ptr(), ptr() + bytes()) is caught by GuardsIntact().
class GuardedBuffer {
 public:
  static constexpr std::size_t kGuardBytes = 4096;
  static constexpr unsigned char kGuardPattern = 0xA5;
  /// KOPT_EXACT_BUFFERS=1 (the sanitizer's workers): no guard zones and no padding, so
  /// compute-sanitizer sees an access one element past the end as outside the allocation.
  static bool Exact();

  explicit GuardedBuffer(std::size_t bytes);
  ~GuardedBuffer();
  GuardedBuffer(GuardedBuffer&& other) noexcept;
  GuardedBuffer& operator=(GuardedBuffer&&) = delete;
  GuardedBuffer(const GuardedBuffer&) = delete;

  CUdeviceptr ptr() const { return base_ + guard_; }
  std::size_t bytes() const { return bytes_; }
  /// Fills the usable bytes with `poison`: at once on the legacy stream, or queued on `stream`.
  void Poison(const Poison& poison, CUstream stream = nullptr) const;
  /// Rewrites both guard zones with the pattern.
  void ResetGuards() const;
  /// Bytes past the end (or before the start) that were written; 0 when intact.
  std::size_t GuardDamage() const;
  std::vector<unsigned char> Download() const;

 private:
  CUdeviceptr base_ = 0;
  std::size_t guard_ = kGuardBytes;
  std::size_t bytes_ = 0;
  std::size_t total_ = 0;
};

/// One argument's bytes: room for any scalar or pointer and for a CUtensorMap (128 bytes, aligned
/// as cuda.h declares it).
struct alignas(alignof(CUtensorMap)) ArgSlot {
  unsigned char bytes[128];
};

/// Argument storage and pointers for one launch; pointers into `storage` stay valid.
struct KernelArgs {
  std::vector<ArgSlot> storage;
  std::vector<void*> pointers;
};

/// Launches one resolved launch on `stream`. Returns the driver's result (no throw): a launch
/// error is the candidate's, not kopt's.
CUresult Launch(CUfunction function, const ResolvedLaunch& launch, KernelArgs& args,
                CUstream stream);

}  // namespace kopt
