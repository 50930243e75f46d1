// SPDX-License-Identifier: Apache-2.0
#include "core/eval_result.h"

#include <array>

namespace kopt {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<EvalStatus, std::string_view>, 6> kStatusNames = {{
    {EvalStatus::kCorrect, "correct"},
    {EvalStatus::kCompileError, "compile_error"},
    {EvalStatus::kLaunchError, "launch_error"},
    {EvalStatus::kWrongAnswer, "wrong_answer"},
    {EvalStatus::kCrashed, "crashed"},
    {EvalStatus::kTimeout, "timeout"},
}};

json SpeedupToJson(const Speedup& s) {
  return {{"value", s.value}, {"low", s.low}, {"high", s.high}};
}

Speedup SpeedupFromJson(const json& j) { return Speedup{j.at("value"), j.at("low"), j.at("high")}; }

}  // namespace

std::string_view EvalStatusName(EvalStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<EvalStatus> ParseEvalStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

json ToJson(const Summary& s) {
  return {{"median", s.median}, {"p10", s.p10}, {"p90", s.p90}, {"mean", s.mean},
          {"stddev", s.stddev}, {"min", s.min}, {"max", s.max}, {"n", s.n}};
}

Summary SummaryFromJson(const json& j) {
  Summary s;
  s.median = j.at("median");
  s.p10 = j.at("p10");
  s.p90 = j.at("p90");
  s.mean = j.at("mean");
  s.stddev = j.at("stddev");
  s.min = j.at("min");
  s.max = j.at("max");
  s.n = j.at("n");
  return s;
}

json ToJson(const TimingInfo& t) {
  json j = {{"event_ms", ToJson(t.event_ms)},
            {"sm_clock_mhz", t.sm_clock_mhz},
            {"input_sets", t.input_sets},
            {"seeds", t.seeds},
            {"verified_samples", t.verified_samples}};
  if (t.kernel_ms) j["kernel_ms"] = ToJson(*t.kernel_ms);
  if (!t.launch_variant.empty()) j["launch_variant"] = t.launch_variant;
  return j;
}

TimingInfo TimingFromJson(const json& j) {
  TimingInfo t;
  t.event_ms = SummaryFromJson(j.at("event_ms"));
  if (j.contains("kernel_ms")) t.kernel_ms = SummaryFromJson(j.at("kernel_ms"));
  t.sm_clock_mhz = j.value("sm_clock_mhz", 0.0);
  t.input_sets = j.value("input_sets", 0);
  t.seeds = j.value("seeds", std::vector<std::uint64_t>{});
  t.verified_samples = j.value("verified_samples", 0);
  t.launch_variant = j.value("launch_variant", "");
  return t;
}

json ToJson(const std::vector<KernelResources>& resources) {
  json kernels = json::array();
  for (const auto& k : resources) {
    kernels.push_back({{"kernel", k.kernel},
                       {"registers", k.registers},
                       {"spill_store_bytes", k.spill_store_bytes},
                       {"spill_load_bytes", k.spill_load_bytes},
                       {"local_bytes", k.local_bytes},
                       {"static_smem_bytes", k.static_smem_bytes}});
  }
  return kernels;
}

json ToJson(const EvalResult& r) {
  json kernels = ToJson(r.compile.kernels);
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back({{"seed", c.seed},
                      {"size", c.size},
                      {"ok", c.ok},
                      {"max_abs_error", c.max_abs_error},
                      {"max_rel_error", c.max_rel_error},
                      {"rel_l2_error", c.rel_l2_error}});
  }
  json j = {{"status", EvalStatusName(r.status)},
            {"message", r.message},
            {"check", r.check},
            {"compile",
             {{"log", r.compile.log},
              {"compile_ms", r.compile.compile_ms},
              {"cache_hit", r.compile.cache_hit},
              {"kernels", kernels}}},
            {"checks", checks},
            {"device", r.device},
            {"wall_ms", r.wall_ms}};
  if (!r.stage_ms.empty()) j["stage_ms"] = r.stage_ms;
  if (r.timing) j["timing"] = ToJson(*r.timing);
  if (r.reference_timing) j["reference_timing"] = ToJson(*r.reference_timing);
  if (r.speedup) j["speedup"] = SpeedupToJson(*r.speedup);
  if (r.baseline) {
    j["baseline"] = {{"name", r.baseline->name}, {"timing", ToJson(r.baseline->timing)}};
  }
  if (r.baseline_speedup) j["baseline_speedup"] = SpeedupToJson(*r.baseline_speedup);
  if (r.roofline) {
    const Roofline& f = *r.roofline;
    j["roofline"] = {{"achieved_gbps", f.achieved_gbps},
                     {"achieved_tflops", f.achieved_tflops},
                     {"floor_ms", f.floor_ms},
                     {"fraction", f.fraction},
                     {"bound", f.bound},
                     {"suspicious", f.suspicious},
                     {"spec_floor_ms", f.spec_floor_ms},
                     {"time_ms", f.time_ms},
                     {"peak_gbps", f.peak_gbps},
                     {"peak_tflops", f.peak_tflops},
                     {"compute_peak", f.compute_peak}};
  }
  if (r.profile) j["profile"] = ToJson(*r.profile);
  if (r.sanitizer) {
    json tools = json::array();
    for (const auto& t : r.sanitizer->tools) {
      tools.push_back({{"tool", t.tool},
                       {"errors", t.errors},
                       {"warnings", t.warnings},
                       {"first_error", t.first_error},
                       {"note", t.note}});
    }
    j["sanitizer"] = {{"ran", r.sanitizer->ran},
                      {"clean", r.sanitizer->clean()},
                      {"note", r.sanitizer->note},
                      {"wall_ms", r.sanitizer->wall_ms},
                      {"tools", tools}};
  }
  return j;
}

EvalResult EvalResultFromJson(const json& j) {
  EvalResult r;
  r.status = ParseEvalStatus(j.at("status").get<std::string>()).value_or(EvalStatus::kCrashed);
  r.message = j.value("message", "");
  r.check = j.value("check", "");
  if (j.contains("compile")) {
    const json& c = j.at("compile");
    r.compile.log = c.value("log", "");
    r.compile.compile_ms = c.value("compile_ms", 0.0);
    r.compile.cache_hit = c.value("cache_hit", false);
    for (const auto& k : c.value("kernels", json::array())) {
      r.compile.kernels.push_back({k.value("kernel", ""), k.value("registers", 0),
                                   k.value("spill_store_bytes", 0), k.value("spill_load_bytes", 0),
                                   k.value("local_bytes", 0), k.value("static_smem_bytes", 0)});
    }
  }
  for (const auto& c : j.value("checks", json::array())) {
    r.checks.push_back({c.at("seed"), c.at("size"), c.at("ok"), c.value("max_abs_error", 0.0),
                        c.value("max_rel_error", 0.0), c.value("rel_l2_error", 0.0)});
  }
  if (j.contains("timing")) r.timing = TimingFromJson(j.at("timing"));
  if (j.contains("reference_timing")) r.reference_timing = TimingFromJson(j.at("reference_timing"));
  if (j.contains("speedup")) r.speedup = SpeedupFromJson(j.at("speedup"));
  if (j.contains("baseline")) {
    const json& b = j.at("baseline");
    r.baseline = BaselineTiming{b.at("name"), TimingFromJson(b.at("timing"))};
  }
  if (j.contains("baseline_speedup"))
    r.baseline_speedup = SpeedupFromJson(j.at("baseline_speedup"));
  if (j.contains("roofline")) {
    const json& f = j.at("roofline");
    r.roofline = Roofline{f.value("achieved_gbps", 0.0), f.value("achieved_tflops", 0.0),
                          f.value("floor_ms", 0.0),      f.value("fraction", 0.0),
                          f.value("bound", ""),          f.value("suspicious", false)};
    r.roofline->time_ms = f.value("time_ms", 0.0);
    r.roofline->peak_gbps = f.value("peak_gbps", 0.0);
    r.roofline->peak_tflops = f.value("peak_tflops", 0.0);
    r.roofline->compute_peak = f.value("compute_peak", "");
    r.roofline->spec_floor_ms = f.value("spec_floor_ms", 0.0);
  }
  if (j.contains("profile")) r.profile = ProfileFromJson(j.at("profile"));
  if (j.contains("sanitizer")) {
    const json& s = j.at("sanitizer");
    SanitizerReport report;
    report.ran = s.value("ran", false);
    report.note = s.value("note", "");
    report.wall_ms = s.value("wall_ms", 0.0);
    for (const auto& t : s.value("tools", json::array())) {
      report.tools.push_back({t.value("tool", ""), t.value("errors", 0), t.value("warnings", 0),
                              t.value("first_error", ""), t.value("note", "")});
    }
    r.sanitizer = report;
  }
  r.device = j.value("device", "");
  r.wall_ms = j.value("wall_ms", 0.0);
  if (auto it = j.find("stage_ms"); it != j.end() && it->is_object()) {
    for (const auto& [stage, ms] : it->items()) {
      if (ms.is_number()) r.stage_ms[stage] = ms.get<double>();
    }
  }
  return r;
}

}  // namespace kopt
