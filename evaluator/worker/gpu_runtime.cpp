// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/gpu_runtime.h"

#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker/cuda_driver.h"

#include <cstdlib>

namespace kopt {
namespace {

int Attribute(CUdevice device, CUdevice_attribute attribute) {
  int value = 0;
  KOPT_CU(Driver().cuDeviceGetAttribute(&value, attribute, device));
  return value;
}

std::size_t RoundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// "GPU-8f3c0b1e-...", as nvidia-smi writes it.
std::string UuidText(const CUuuid& uuid) {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out = "GPU-";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    auto byte = static_cast<unsigned char>(uuid.bytes[i]);
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

}  // namespace

DeviceInfo QueryDevice(int index) {
  const DriverApi& cu = Driver();
  CUdevice device = 0;
  KOPT_CU(cu.cuDeviceGet(&device, index));
  DeviceInfo d;
  d.index = index;
  char name[256] = {};
  KOPT_CU(cu.cuDeviceGetName(name, sizeof name, device));
  d.name = name;
  d.cc_major = Attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
  d.cc_minor = Attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
  d.arch = ArchForComputeCapability(d.cc_major, d.cc_minor);
  d.sm_count = Attribute(device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  std::size_t memory = 0;
  KOPT_CU(cu.cuDeviceTotalMem(&memory, device));
  d.memory_bytes = static_cast<std::int64_t>(memory);
  d.l2_bytes = Attribute(device, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
  d.sm_clock_khz = Attribute(device, CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
  d.memory_clock_khz = Attribute(device, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
  d.memory_bus_bits = Attribute(device, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
  KOPT_CU(cu.cuDriverGetVersion(&d.driver_version));
  d.limits.max_threads_per_block = Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
  d.limits.max_block = {Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X),
                        Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y),
                        Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z)};
  d.limits.max_grid = {Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X),
                       Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y),
                       Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)};
  d.limits.max_smem_per_block =
      Attribute(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
  d.limits.clusters = Attribute(device, CU_DEVICE_ATTRIBUTE_CLUSTER_LAUNCH) != 0;
  CUuuid uuid{};
  if (cu.cuDeviceGetUuid(&uuid, device) == CUDA_SUCCESS) d.uuid = UuidText(uuid);
  return d;
}

GpuContext::GpuContext(int device_index) {
  const DriverApi& cu = Driver();
  KOPT_CU(cu.cuDeviceGet(&cu_device_, device_index));
  CUcontext ctx = nullptr;
  KOPT_CU(cu.cuDevicePrimaryCtxRetain(&ctx, cu_device_));
  KOPT_CU(cu.cuCtxSetCurrent(ctx));
  // A blocking stream: it orders after the synchronous memsets and copies of the legacy stream
  // (poisoning, guard zones), which are asynchronous for device memory.
  KOPT_CU(cu.cuStreamCreate(&stream_, CU_STREAM_DEFAULT));
  device_ = QueryDevice(device_index);
}

GpuContext::~GpuContext() {
  if (stream_) Driver().cuStreamDestroy(stream_);
  Driver().cuDevicePrimaryCtxRelease(cu_device_);
}

Module::Module(const std::string& cubin) {
  KOPT_CU(Driver().cuModuleLoadData(&module_, cubin.data()));
}

Module::~Module() {
  if (module_) Driver().cuModuleUnload(module_);
}

CUfunction Module::Find(const std::string& kernel) const {
  CUfunction function = nullptr;
  if (Driver().cuModuleGetFunction(&function, module_, kernel.c_str()) != CUDA_SUCCESS) {
    return nullptr;
  }
  return function;
}

bool GuardedBuffer::Exact() {
  static const bool kExact = [] {
    const char* v = std::getenv("KOPT_EXACT_BUFFERS");
    return v && *v && *v != '0';
  }();
  return kExact;
}

GuardedBuffer::GuardedBuffer(std::size_t bytes)
    : guard_(Exact() ? 0 : kGuardBytes),
      bytes_(bytes),
      total_(Exact() ? std::max<std::size_t>(bytes, 1)
                     : 2 * kGuardBytes + RoundUp(std::max<std::size_t>(bytes, 1), 256)) {
  KOPT_CU(Driver().cuMemAlloc(&base_, total_));
  ResetGuards();
}

GuardedBuffer::GuardedBuffer(GuardedBuffer&& other) noexcept
    : base_(other.base_), guard_(other.guard_), bytes_(other.bytes_), total_(other.total_) {
  other.base_ = 0;
}

GuardedBuffer::~GuardedBuffer() {
  if (base_) Driver().cuMemFree(base_);
}

void GuardedBuffer::ResetGuards() const {
  if (guard_ == 0) return;
  KOPT_CU(Driver().cuMemsetD8(base_, kGuardPattern, guard_));
  KOPT_CU(Driver().cuMemsetD8(ptr() + bytes_, kGuardPattern, total_ - guard_ - bytes_));
}

void GuardedBuffer::Poison(const kopt::Poison& poison, CUstream stream) const {
  const DriverApi& cu = Driver();
  std::size_t count = bytes_ / static_cast<std::size_t>(poison.width);
  switch (poison.width) {
    case 4:
      KOPT_CU(stream ? cu.cuMemsetD32Async(ptr(), poison.word, count, stream)
                     : cu.cuMemsetD32(ptr(), poison.word, count));
      break;
    case 2: {
      auto half = static_cast<unsigned short>(poison.word);
      KOPT_CU(stream ? cu.cuMemsetD16Async(ptr(), half, count, stream)
                     : cu.cuMemsetD16(ptr(), half, count));
      break;
    }
    default: {
      auto byte = static_cast<unsigned char>(poison.word);
      KOPT_CU(stream ? cu.cuMemsetD8Async(ptr(), byte, count, stream)
                     : cu.cuMemsetD8(ptr(), byte, count));
    }
  }
}

std::size_t GuardedBuffer::GuardDamage() const {
  if (guard_ == 0) return 0;
  std::vector<unsigned char> guards(total_ - bytes_);
  KOPT_CU(Driver().cuMemcpyDtoH(guards.data(), base_, guard_));
  KOPT_CU(Driver().cuMemcpyDtoH(guards.data() + guard_, ptr() + bytes_, total_ - guard_ - bytes_));
  std::size_t damaged = 0;
  for (unsigned char b : guards) damaged += b != kGuardPattern;
  return damaged;
}

std::vector<unsigned char> GuardedBuffer::Download() const {
  std::vector<unsigned char> host(bytes_);
  if (bytes_ > 0) KOPT_CU(Driver().cuMemcpyDtoH(host.data(), ptr(), bytes_));
  return host;
}

CUresult Launch(CUfunction function, const ResolvedLaunch& launch, KernelArgs& args,
                CUstream stream) {
  const DriverApi& cu = Driver();
  if (launch.cluster[0] == 0) {
    return cu.cuLaunchKernel(function, launch.grid[0], launch.grid[1], launch.grid[2],
                             launch.block[0], launch.block[1], launch.block[2], launch.smem, stream,
                             args.pointers.data(), nullptr);
  }
  CUlaunchAttribute attribute{};
  attribute.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attribute.value.clusterDim.x = launch.cluster[0];
  attribute.value.clusterDim.y = launch.cluster[1];
  attribute.value.clusterDim.z = launch.cluster[2];
  CUlaunchConfig config{};
  config.gridDimX = launch.grid[0];
  config.gridDimY = launch.grid[1];
  config.gridDimZ = launch.grid[2];
  config.blockDimX = launch.block[0];
  config.blockDimY = launch.block[1];
  config.blockDimZ = launch.block[2];
  config.sharedMemBytes = launch.smem;
  config.hStream = stream;
  config.attrs = &attribute;
  config.numAttrs = 1;
  return cu.cuLaunchKernelEx(&config, function, args.pointers.data(), nullptr);
}

}  // namespace kopt
