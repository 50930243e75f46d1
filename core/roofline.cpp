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
    ceiling = bf16 ? ComputeCeiling{peaks.bf16_tflops, "bf16 tensor cores", peaks.spec_bf16_tflops}
                   : ComputeCeiling{peaks.fp16_tflops, "fp16 tensor cores", peaks.spec_fp16_tflops};
  } else {
    ceiling = {peaks.fp32_tflops, "fp32 FMA", peaks.spec_fp32_tflops};
  }
  if (ceiling.tflops <= 0) return std::nullopt;
  return ceiling;
}

void AddSpecCeilings(DevicePeaks& peaks, const DeviceInfo& d) {
  double sm_hz = d.sm_clock_khz * 1e3;
  peaks.spec_dram_gbps = 2.0 * d.memory_clock_khz * 1e3 * d.memory_bus_bits / 8 / 1e9;
  int fp32_lanes = d.cc_major == 8 && d.cc_minor == 0 ? 64 : 128;
  peaks.spec_fp32_tflops = 2.0 * fp32_lanes * d.sm_count * sm_hz / 1e12;
  // Dense FLOPs per SM per clock of bf16/f16 MMA with fp32 accumulation.
  int tensor_flops = d.cc_major == 9 && d.cc_minor == 0   ? 4096
                     : d.cc_major == 8 && d.cc_minor == 0 ? 2048
                                                          : 0;
  peaks.spec_bf16_tflops = peaks.spec_fp16_tflops =
      static_cast<double>(tensor_flops) * d.sm_count * sm_hz / 1e12;
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
  // Suspicious against the specification where it is known: faster than the clocks and units
  // allow. A ceiling that is only measured (a library's rate) would flag a kernel that beats
  // the library.
  double spec_compute = ceiling ? ceiling->spec_tflops : 0;
  double spec_memory_ms = peaks.spec_dram_gbps > 0 ? bytes / (peaks.spec_dram_gbps * 1e9) * 1e3 : 0;
  double spec_compute_ms = spec_compute > 0 ? flops / (spec_compute * 1e12) * 1e3 : 0;
  r.spec_floor_ms = std::max(spec_memory_ms, spec_compute_ms);
  double bound_ms = peaks.spec_dram_gbps > 0 ? r.spec_floor_ms : r.floor_ms;
  r.suspicious = bound_ms / time_ms > kSuspiciousFraction;
  return r;
}

}  // namespace kopt
