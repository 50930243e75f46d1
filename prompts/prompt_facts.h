// SPDX-License-Identifier: Apache-2.0
// Facts that prompts state, as text: a task at its timed size, a GPU, a roofline position, kernel
// resources, latencies and speedups with their units, and failure reports cut to a sane length.
#pragma once

#include "core/device_info.h"
#include "core/eval_result.h"
#include "core/stats.h"
#include "core/task.h"

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// The task for a prompt: name, op class, description, every size (the timed one first), each
/// tensor with role, dtype, C++ type, shape as written and evaluated at the timed size, bytes
/// and input distribution, scalars, the tolerance, FLOPs and bytes at the timed size, and
/// whether fast math is allowed.
std::string TaskSummary(const Task& task);

/// Name, compute capability and compile target, SMs and clock, memory size and bandwidth (the
/// measured figure when given, else the theoretical one from the memory clock and bus), L2,
/// shared memory and threads per block, clusters.
std::string DeviceFacts(const DeviceInfo& device,
                        std::optional<double> measured_bandwidth_gbps = std::nullopt);

/// "0.261 ms" or "54.3 us".
std::string FormatLatency(double ms);

/// A latency measured apart from the search that a task's winner should beat.
struct OutsideLatency {
  double median_ms = 0;
  std::string what;  // "torch.compile, PyTorch 2.9.0"
};

/// The faster of the vendor library (measured with `r`) and `compiled` (torch.compile's), as
/// "0.0280 ms (torch.compile, PyTorch 2.9.0)"; "" when neither was measured.
std::string LatencyToBeat(const EvalResult& r, const std::optional<OutsideLatency>& compiled);
/// "1.67x (noise band 1.65x to 1.69x)"; three significant digits ("19.4x", "0.081x").
std::string FormatSpeedup(const Speedup& speedup);
/// "227 KiB", "50 MiB", "512 bytes".
std::string FormatBytes(double bytes);
/// "41% of the memory-bound floor of 0.107 ms (achieved 1370 GB/s, 0.02 TFLOP/s)".
std::string DescribeRoofline(const Roofline& roofline);
/// One line per kernel: registers per thread, spills, local memory, static shared memory.
std::string DescribeResources(const std::vector<KernelResources>& kernels);

/// At most `max_lines` lines of at most `max_line_chars` characters each, saying how much was
/// cut: compile logs can run to thousands of lines, and the first errors are the ones to fix.
std::string TrimReport(const std::string& text, std::size_t max_lines = 80,
                       std::size_t max_line_chars = 400);

}  // namespace kopt
