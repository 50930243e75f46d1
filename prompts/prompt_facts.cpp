// SPDX-License-Identifier: Apache-2.0
#include "prompts/prompt_facts.h"

#include <cstdarg>
#include <cstdio>

namespace kopt {
namespace {

std::string Printf(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

// "2.15 G" style: three significant digits and an SI prefix.
std::string Si(double v, const char* unit) {
  const char* prefixes[] = {"", "K", "M", "G", "T", "P"};
  int p = 0;
  while (v >= 1000 && p < 5) {
    v /= 1000;
    ++p;
  }
  return Printf("%.3g %s%s", v, prefixes[p], unit);
}

std::string ShapeText(const std::vector<std::string>& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + dims[i];
  return out + "]";
}

std::string ShapeText(const std::vector<std::int64_t>& dims) {
  std::vector<std::string> text;
  for (auto d : dims) text.push_back(std::to_string(d));
  return ShapeText(text);
}

std::string InitText(const InitSpec& init) {
  switch (init.dist) {
    case InitDist::kNormal:
      return Printf("normal(mean %g, std %g)", init.a, init.b);
    case InitDist::kUniform:
      return Printf("uniform in [%g, %g)", init.a, init.b);
    case InitDist::kRandint:
      return Printf("random integers in [%g, %g)", init.a, init.b);
    case InitDist::kConstant:
      return Printf("every element %g", init.a);
    case InitDist::kSpike:
      return Printf("%g at every %lld-th element, normal(0, %g) elsewhere", init.a,
                    static_cast<long long>(init.every), init.b);
  }
  return "";
}

}  // namespace

std::string LatencyToBeat(const EvalResult& r, const std::optional<OutsideLatency>& compiled) {
  std::optional<OutsideLatency> best = compiled;
  if (r.baseline && (!best || r.baseline->timing.event_ms.median < best->median_ms)) {
    best = OutsideLatency{r.baseline->timing.event_ms.median, r.baseline->name};
  }
  if (!best) return "";
  return FormatLatency(best->median_ms) + " (" + best->what + ")";
}

std::string FormatLatency(double ms) {
  if (ms >= 1) return Printf("%.4g ms", ms);
  return Printf("%.3g us", ms * 1000);
}

std::string FormatSpeedup(const Speedup& s) {
  // Three significant digits, trailing zeros kept: 1.00x, 19.4x, 0.0800x would be noise, 0.080x.
  auto ratio = [](double v) {
    int decimals = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
    return Printf("%.*fx", decimals, v);
  };
  return ratio(s.value) + " (noise band " + ratio(s.low) + " to " + ratio(s.high) + ")";
}

std::string FormatBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? Printf("%.0f bytes", bytes) : Printf("%.3g %s", bytes, units[u]);
}

std::string TaskSummary(const Task& task) {
  std::string out = "Task " + task.name + " (op class: " + task.op_class + ")\n";
  out += task.description + "\n\n";
  out += "Sizes: " + SymbolsText(task.symbols) + " (timed)";
  for (const auto& size : task.check_symbols) out += "; " + SymbolsText(size);
  if (!task.check_symbols.empty()) {
    out += " (checked for correctness). The kernel must be correct on every one of these sizes";
  }
  out += ".\n\nTensors (contiguous, row-major; shapes evaluated at the timed size):\n";
  for (const auto& t : task.tensors) {
    std::vector<std::int64_t> shape = TensorShape(t, task.symbols);
    double bytes =
        static_cast<double>(ElementCount(shape)) * static_cast<double>(DTypeSize(t.dtype));
    bool input = t.role == TensorRole::kInput;
    out += "- " + t.name + ": " + (input ? "input" : "output") + ", " +
           std::string(DTypeName(t.dtype)) + " (" + (input ? "const " : "") +
           std::string(DTypeCudaName(t.dtype)) + "*), " + ShapeText(t.shape) + " = " +
           ShapeText(shape) + ", " + FormatBytes(bytes);
    if (input) out += ", values " + InitText(t.init);
    out += "\n";
  }
  if (!task.scalars.empty()) {
    out += "\nScalars:\n";
    for (const auto& s : task.scalars) {
      out += "- " + s.name + ": " + std::string(DTypeName(s.dtype)) + " (" +
             std::string(DTypeCudaName(s.dtype)) + ") = " + Printf("%g", s.value) + "\n";
    }
  }
  out += Printf("\nTolerance, per output element: |out - ref| <= %g + %g * |ref|",
                task.tolerance.atol, task.tolerance.rtol);
  out += "; NaN and Inf must match the reference.\n";
  // What the checks hold a kernel to beyond the default inputs and the named sizes.
  if (!task.input_cases.empty()) {
    out += "Also checked on these inputs (a kernel right only on the values above fails):\n";
    for (const auto& c : task.input_cases) out += "- " + c.name + ": " + c.why + "\n";
  }
  if (!task.contract.ragged.empty()) {
    out += "Sizes: every evaluation also checks a size it draws at random, so any value of ";
    for (std::size_t i = 0; i < task.contract.ragged.size(); ++i) {
      const auto& [symbol, alignment] = task.contract.ragged[i];
      out += (i ? ", " : "") + symbol;
      if (alignment > 1) out += Printf(" (a multiple of %lld)", static_cast<long long>(alignment));
    }
    out += " must work, tails included.\n";
  }
  if (!task.contract.precision.empty()) out += "Precision: " + task.contract.precision + ".\n";
  if (!task.contract.ties.empty()) out += "Ties: " + task.contract.ties + ".\n";
  double flops = static_cast<double>(EvalExpr(task.flops, task.symbols));
  double bytes = static_cast<double>(EvalExpr(task.bytes, task.symbols));
  out += "Work at the timed size: ";
  out += flops > 0 ? Si(flops, "FLOP") : "no floating-point arithmetic to speak of";
  out += ", at least " + Si(bytes, "B") + " of memory traffic (" + task.flops + " FLOP, " +
         task.bytes + " bytes).\n";
  out += task.fast_math ? "Fast math: allowed (kopt compiles with --use_fast_math).\n"
                        : "Fast math: not allowed (no --use_fast_math; approximate intrinsics "
                          "only where the tolerance admits them).\n";
  return out;
}

std::string DeviceFacts(const DeviceInfo& d, std::optional<double> measured_bandwidth_gbps) {
  std::string out = "- GPU: " + d.name +
                    Printf(" (compute capability %d.%d", d.cc_major, d.cc_minor) +
                    "; kernels are compiled for " + d.arch + ")\n";
  out += Printf("- SMs: %d", d.sm_count);
  if (d.sm_clock_khz > 0) out += Printf(", up to %d MHz", d.sm_clock_khz / 1000);
  out += "\n- Memory: " + FormatBytes(static_cast<double>(d.memory_bytes));
  if (measured_bandwidth_gbps) {
    out += Printf(", %.0f GB/s measured", *measured_bandwidth_gbps);
  } else if (d.memory_clock_khz > 0 && d.memory_bus_bits > 0) {
    double gbps = 2.0 * d.memory_clock_khz * 1e3 * d.memory_bus_bits / 8 / 1e9;
    out += Printf(", %.0f GB/s theoretical peak", gbps);
  }
  out += "\n- L2 cache: " + FormatBytes(static_cast<double>(d.l2_bytes)) + "\n";
  out += "- Shared memory per block: up to " +
         FormatBytes(static_cast<double>(d.limits.max_smem_per_block)) + " (" +
         std::to_string(d.limits.max_smem_per_block) +
         " bytes; kopt enables dynamic shared memory above 48 KiB)\n";
  out += "- Threads per block: up to " + std::to_string(d.limits.max_threads_per_block) + "\n";
  out += d.limits.clusters ? "- Thread-block clusters: yes (up to 8 blocks portably)\n"
                           : "- Thread-block clusters: no\n";
  return out;
}

std::string DescribeRoofline(const Roofline& r) {
  std::string out =
      Printf("%.0f%% of the %s-bound floor of ", r.fraction * 100, r.bound.c_str()) +
      FormatLatency(r.floor_ms) +
      Printf(" (achieved %.0f GB/s, %.3g TFLOP/s)", r.achieved_gbps, r.achieved_tflops);
  if (r.suspicious) out += "; faster than the floor allows, so kopt is re-checking it";
  return out;
}

std::string DescribeResources(const std::vector<KernelResources>& kernels) {
  std::string out;
  for (const auto& k : kernels) {
    out += k.kernel +
           Printf(": %d registers/thread, %d bytes spill stores, %d bytes spill loads, ",
                  k.registers, k.spill_store_bytes, k.spill_load_bytes) +
           Printf("%d bytes local memory/thread, ", k.local_bytes) +
           FormatBytes(k.static_smem_bytes) + " static shared memory\n";
  }
  return out;
}

std::string TrimReport(const std::string& text, std::size_t max_lines, std::size_t max_line_chars) {
  std::string out;
  std::size_t lines = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (lines == max_lines) {
      std::size_t rest = 0;
      for (std::size_t i = pos; i < text.size(); ++i) rest += text[i] == '\n';
      if (text.back() != '\n') ++rest;
      out += Printf("[%zu more lines not shown]\n", rest);
      return out;
    }
    std::string line = text.substr(pos, end - pos);
    if (line.size() > max_line_chars) {
      std::size_t cut = line.size() - max_line_chars;
      line = line.substr(0, max_line_chars) + Printf(" [%zu more characters]", cut);
    }
    out += line + "\n";
    ++lines;
    pos = end + 1;
  }
  return out;
}

}  // namespace kopt
