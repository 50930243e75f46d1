// SPDX-License-Identifier: Apache-2.0
// Measures a GPU's ceilings for the roofline: DRAM bandwidth (device copies, a copy kernel and
// a read-only kernel, the best of them), the FP32 FMA rate (a built-in kernel of independent
// FMA chains) and the bf16/fp16 tensor-core rates (an 8192^3 cuBLASLt GEMM). Each figure is the
// best of several runs after a warm-up; compute rates measured below the rated SM clock are
// scaled up to it, so a ceiling is never too low. About half a second.
#pragma once

#include "core/device_info.h"
#include "core/device_peaks.h"
#include "evaluator/worker/gpu_runtime.h"

#include <cuda.h>

namespace kopt {

/// `builtins` is the module of kBuiltinKernelSource. A part that fails (cuBLASLt missing, too
/// little free memory) leaves its figure 0 and says why in `note`; driver errors throw.
DevicePeaks MeasureDevicePeaks(const DeviceInfo& device, const Module& builtins, CUstream stream);

}  // namespace kopt
