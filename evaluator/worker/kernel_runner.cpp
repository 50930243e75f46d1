// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/kernel_runner.h"

#include "core/host_values.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/tensor_map_encoder.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace kopt {
namespace {

constexpr std::uint32_t kDefaultDynamicSmem = 48 * 1024;

std::string Dims(const std::array<std::uint32_t, 3>& d) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]);
}

// The launch's arguments; a tensor map is encoded here, with the address its buffer has in
// `buffers`, so every launch describes the buffers it runs on.
KernelArgs BuildArgs(const ResolvedLaunch& launch, const LaunchPlan& plan, const Bindings& buffers,
                     const std::function<void(std::string)>& refuse) {
  KernelArgs args;
  args.storage.resize(launch.args.size());
  for (std::size_t i = 0; i < launch.args.size(); ++i) {
    const LaunchArg& a = launch.args[i];
    unsigned char* slot = args.storage[i].bytes;
    switch (a.kind) {
      case LaunchArg::Kind::kTensor:
      case LaunchArg::Kind::kWorkspace: {
        CUdeviceptr ptr = buffers.at(a.name);
        std::memcpy(slot, &ptr, sizeof ptr);
        break;
      }
      case LaunchArg::Kind::kInt32: {
        auto v = static_cast<std::int32_t>(a.int_value);
        std::memcpy(slot, &v, 4);
        break;
      }
      case LaunchArg::Kind::kInt64:
        std::memcpy(slot, &a.int_value, 8);
        break;
      case LaunchArg::Kind::kScalar: {
        std::uint64_t bits = ScalarBits(a.scalar_dtype, a.scalar_value);
        std::memcpy(slot, &bits, sizeof bits);
        break;
      }
      case LaunchArg::Kind::kTensorMap: {
        static_assert(sizeof(CUtensorMap) == sizeof(ArgSlot) &&
                      alignof(ArgSlot) >= alignof(CUtensorMap));
        auto map = std::find_if(plan.tensor_maps.begin(), plan.tensor_maps.end(),
                                [&](const ResolvedTensorMap& m) { return m.name == a.name; });
        CUresult r = EncodeTensorMap(map->params, buffers.at(map->buffer),
                                     reinterpret_cast<CUtensorMap*>(slot));
        if (r != CUDA_SUCCESS) {
          refuse(
              "tensor map '" + a.name + "' of " + map->buffer +
              ": the driver's encoder (cuTensorMapEncodeTiled) refused it: " + DescribeCuResult(r));
        }
        break;
      }
    }
  }
  for (auto& slot : args.storage) args.pointers.push_back(slot.bytes);
  return args;
}

}  // namespace

LoadedKernel KernelRunner::Load(const KernelBinary& binary, bool is_candidate) const {
  LoadedKernel out;
  out.file = binary.file;
  out.tunables = binary.tunables;
  out.is_candidate = is_candidate;
  auto fail = [&](const std::string& message) -> CandidateFailure {
    if (!is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
    return CandidateFailure{EvalStatus::kLaunchError, message, false, "launch"};
  };
  try {
    out.block = ParseLaunchBlock(binary.source, binary.file);
  } catch (const ConfigError& e) {
    throw fail(e.what());
  }
  try {
    out.module = std::make_unique<Module>(binary.cubin);
  } catch (const CuResultError& e) {
    throw fail(std::string("the driver rejected the cubin: ") + e.what());
  }
  for (const LaunchSpec* spec : AllLaunches(out.block)) {
    const LaunchSpec& launch = *spec;
    if (out.functions.count(launch.kernel)) continue;
    CUfunction f = out.module->Find(launch.kernel);
    if (!f) {
      throw fail(binary.file + ": no kernel named '" + launch.kernel +
                 "' in the compiled module; declare it extern \"C\" __global__ so its name is "
                 "not mangled");
    }
    out.functions[launch.kernel] = f;
  }
  return out;
}

LaunchPlan KernelRunner::Resolve(const LoadedKernel& k, const SymbolTable& size) const {
  LaunchPlan plan;
  try {
    plan = ResolveLaunchBlock(k.block, task_, size, k.tunables, limits_);
  } catch (const ConfigError& e) {
    std::string message = k.file + ": " + e.what() + " (size " + SymbolsText(size) + ")";
    if (!k.is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
    throw CandidateFailure{EvalStatus::kLaunchError, message, false, "launch"};
  }
  for (std::size_t i = 0; i < plan.launches.size(); ++i) {
    const ResolvedLaunch& l = plan.launches[i];
    if (l.smem <= kDefaultDynamicSmem) continue;
    CUresult r = Driver().cuFuncSetAttribute(k.functions.at(l.kernel),
                                             CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                             static_cast<int>(l.smem));
    if (r != CUDA_SUCCESS) {
      std::string message = "launch[" + std::to_string(i) + "] (" + l.kernel + "): cannot allow " +
                            std::to_string(l.smem) +
                            " bytes of dynamic shared memory: " + DescribeCuResult(r);
      if (!k.is_candidate) throw Error(message);
      throw CandidateFailure{EvalStatus::kLaunchError, message, false, "resources"};
    }
  }
  return plan;
}

void KernelRunner::Enqueue(const LoadedKernel& k, const LaunchPlan& plan,
                           const Bindings& buffers) const {
  for (std::size_t i = 0; i < plan.launches.size(); ++i) {
    const ResolvedLaunch& l = plan.launches[i];
    KernelArgs args = BuildArgs(l, plan, buffers, [&](const std::string& message) {
      if (!k.is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
      throw CandidateFailure{EvalStatus::kLaunchError, message, false, "launch"};
    });
    CUresult r = Launch(k.functions.at(l.kernel), l, args, stream_);
    if (r == CUDA_SUCCESS) continue;
    std::string message = "launch[" + std::to_string(i) + "] (kernel " + l.kernel + ", grid " +
                          Dims(l.grid) + ", block " + Dims(l.block) + ", " +
                          std::to_string(l.smem) +
                          " bytes dynamic shared memory) failed: " + DescribeCuResult(r);
    bool resources = r == CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
    if (resources) message += "; the block needs more registers or shared memory than an SM has";
    if (!k.is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
    bool sticky = IsStickyError(r);
    throw CandidateFailure{sticky ? EvalStatus::kCrashed : EvalStatus::kLaunchError, message,
                           sticky,
                           sticky      ? "crash"
                           : resources ? "resources"
                                       : "launch"};
  }
}

void KernelRunner::Synchronize(bool is_candidate, const std::string& what) const {
  CUresult r = Driver().cuStreamSynchronize(stream_);
  if (r == CUDA_SUCCESS) return;
  std::string message = what + ": " + DescribeCuResult(r);
  if (r == CUDA_ERROR_ILLEGAL_ADDRESS) message += " (an out-of-bounds or wild pointer access)";
  if (!is_candidate) throw Error("the reference kernel of " + task_.name + " failed: " + message);
  throw CandidateFailure{EvalStatus::kCrashed, "the kernel crashed during " + message,
                         IsStickyError(r), "crash"};
}

}  // namespace kopt
