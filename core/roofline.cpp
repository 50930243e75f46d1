// SPDX-License-Identifier: Apache-2.0
#include "core/roofline.h"

#include "core/expr.h"

#include <algorithm>
#include <array>

namespace kopt {
namespace {

constexpr std::array<std::string_view, 3> kTensorOpClasses = {"gemm", "conv", "attention"};

}  // namespace

std::optional<ComputeCeiling> ComputeCeilingFor(const Task& task, const DevicePeaks& peaks) {
  bool any_float = false, bf16 = false, f16 = false;
  for (const auto& t : task.tensors) {
    if (t.role != TensorRole::kInput || !IsFloat(t.dtype)) continue;
    any_float = true;
    bf16 = bf16 || t.dtype == DType::kBF16;
    f16 = f16 || t.dtype == DType::kF16;
  }
  if (!any_float) return std::nullopt;
  bool tensor_op = std::find(kTensorOpClasses.begin(), kTensorOpClasses.end(), task.op_class) !=
                   kTensorOpClasses.end();
  ComputeCeiling ceiling;
  if (tensor_op && (bf16 || f16)) {
    ceiling = bf16 ? ComputeCeiling{peaks.bf16_tflops, "bf16 tensor cores"}
                   : ComputeCeiling{peaks.fp16_tflops, "fp16 tensor cores"};
  } else {
    ceiling = {peaks.fp32_tflops, "fp32 FMA"};
  }
  if (ceiling.tflops <= 0) return std::nullopt;
  return ceiling;
}

std::optional<Roofline> ComputeRoofline(const Task& task, const TimingInfo& timing,
                                        const DevicePeaks& peaks) {
  auto flops = static_cast<double>(EvalExpr(task.flops, task.symbols));
  auto bytes = static_cast<double>(EvalExpr(task.bytes, task.symbols));
  if (flops <= 0 && bytes <= 0) return std::nullopt;
  double time_ms = timing.kernel_ms && timing.kernel_ms->median > 0 ? timing.kernel_ms->median
                                                                    : timing.event_ms.median;
  if (time_ms <= 0) return std::nullopt;
  std::optional<ComputeCeiling> ceiling = ComputeCeilingFor(task, peaks);
  if (peaks.dram_gbps <= 0 && !ceiling) return std::nullopt;

  Roofline r;
  r.time_ms = time_ms;
  r.peak_gbps = peaks.dram_gbps;
  if (ceiling) {
    r.peak_tflops = ceiling->tflops;
    r.compute_peak = ceiling->name;
  }
  double seconds = time_ms * 1e-3;
  r.achieved_gbps = bytes / seconds / 1e9;
  r.achieved_tflops = flops / seconds / 1e12;
  double memory_ms = peaks.dram_gbps > 0 ? bytes / (peaks.dram_gbps * 1e9) * 1e3 : 0;
  double compute_ms = ceiling ? flops / (ceiling->tflops * 1e12) * 1e3 : 0;
  r.floor_ms = std::max(memory_ms, compute_ms);
  r.bound = compute_ms > memory_ms ? "compute" : "memory";
  r.fraction = r.floor_ms / time_ms;
  r.suspicious = r.fraction > kSuspiciousFraction;
  return r;
}

}  // namespace kopt
