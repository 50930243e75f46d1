// SPDX-License-Identifier: Apache-2.0
// Places a timed result on the device's roofline: achieved GB/s and TFLOP/s from the task's
// byte and FLOP expressions, the floor time the measured ceilings allow, and the `suspicious`
// flag for a result faster than that floor (docs/design.md, Evaluation: "Possible speed only").
#pragma once

#include "core/device_info.h"
#include "core/device_peaks.h"
#include "core/eval_result.h"
#include "core/task.h"

#include <optional>
#include <string>

namespace kopt {

/// A result whose floor is more than 5 % above its time is faster than the hardware allows
/// (beyond timing noise and the spread of the peak measurement): it is flagged.
inline constexpr double kSuspiciousFraction = 1.05;

struct ComputeCeiling {
  double tflops = 0;
  std::string name;        // "fp32 FMA", "bf16 tensor cores", "fp16 tensor cores"
  double spec_tflops = 0;  // the same unit's rate by the specification (0: unknown)
};

/// Which compute peak bounds a task. GEMM-like op classes (gemm, conv, attention) with bf16 or
/// f16 inputs run at the tensor-core rate of that type; every other task with floating-point
/// inputs at the fp32 FMA rate (also f64, which sm_90 runs no faster). None when the task has
/// only integer inputs, or when the applicable peak was not measured: no ceiling beats a
/// wrong one, which would flag honest results.
std::optional<ComputeCeiling> ComputeCeilingFor(const Task& task, const DevicePeaks& peaks);

/// Fills `peaks`' specification ceilings from the device: DRAM from the memory clock and bus
/// width; FP32 from 128 lanes per SM (64 on sm_80) at the rated SM clock; dense bf16/f16
/// tensor-core rates for the architectures whose per-SM rate is known (sm_80, sm_90).
void AddSpecCeilings(DevicePeaks& peaks, const DeviceInfo& device);

/// The roofline of a result timed at the task's main size. The time is the CUPTI kernel median
/// when there is one (launch overhead is no part of what the hardware bounds), else the event
/// median. None when the task counts neither bytes nor FLOPs, or nothing was measured.
std::optional<Roofline> ComputeRoofline(const Task& task, const TimingInfo& timing,
                                        const DevicePeaks& peaks);

}  // namespace kopt
