// SPDX-License-Identifier: Apache-2.0
#include "core/task_similarity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace kopt {
namespace {

// Weights of the parts of the score, in their order of importance; they sum to 1.
constexpr double kOpClassWeight = 0.30;
constexpr double kDtypeWeight = 0.20;
constexpr double kBoundWeight = 0.10;
constexpr double kShapeClassWeight = 0.10;
constexpr double kIntensityWeight = 0.10;
constexpr double kAspectWeight = 0.10;
constexpr double kSharedDimsWeight = 0.10;

std::int64_t SymbolOr(const TaskProfile& t, const char* name, std::int64_t fallback) {
  auto it = t.symbols.find(name);
  return it == t.symbols.end() ? fallback : it->second;
}

// Matching share of two dtype lists as multisets: |common| / |larger|.
double DtypeOverlap(const TaskProfile& a, const TaskProfile& b) {
  std::map<std::string, int> count;
  std::size_t na = 0, nb = 0;
  for (const auto* list : {&a.input_dtypes, &a.output_dtypes}) {
    for (const auto& d : *list) ++count[d], ++na;
  }
  int common = 0;
  for (const auto* list : {&b.input_dtypes, &b.output_dtypes}) {
    for (const auto& d : *list) {
      ++nb;
      if (count[d]-- > 0) ++common;
    }
  }
  std::size_t larger = std::max(na, nb);
  return larger == 0 ? 1 : static_cast<double>(common) / static_cast<double>(larger);
}

std::string Dtypes(const TaskProfile& t) {
  std::string out;
  for (const auto& d : t.input_dtypes) out += (out.empty() ? "" : ",") + d;
  out += " -> ";
  for (std::size_t i = 0; i < t.output_dtypes.size(); ++i) {
    out += (i ? "," : "") + t.output_dtypes[i];
  }
  return out;
}

std::string Shape(const SizeRegime& r) {
  if (r.decode_like) return "decode-like";
  if (r.split_k) return "split-K";
  if (r.tall_skinny) return "tall and skinny";
  return "no special shape";
}

std::string Number(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

}  // namespace

SizeRegime RegimeOf(const TaskProfile& task) {
  SizeRegime r;
  r.intensity = task.bytes > 0 ? task.flops / task.bytes : 0;
  r.memory_bound = r.intensity < kComputeBoundIntensity;
  if (task.op_class == "gemm" && task.symbols.count("K") && task.symbols.count("N")) {
    std::int64_t m = SymbolOr(task, "M", 1), n = task.symbols.at("N"), k = task.symbols.at("K");
    std::int64_t small = std::min(m, n), large = std::max(m, n);
    r.decode_like = small <= 16;
    r.tall_skinny = !r.decode_like && large >= 16 * small;
    r.split_k = k >= 8 * large;
  }
  std::vector<std::int64_t> sizes;
  for (const auto& [name, value] : task.symbols) sizes.push_back(std::max<std::int64_t>(value, 1));
  std::sort(sizes.rbegin(), sizes.rend());
  if (sizes.size() >= 2) r.aspect = static_cast<double>(sizes[0]) / static_cast<double>(sizes[1]);
  return r;
}

Similarity ScoreSimilarity(const TaskProfile& from, const std::string& from_arch,
                           const TaskProfile& to, const std::string& to_arch) {
  Similarity s;
  if (!to_arch.empty() && from_arch != to_arch) {
    s.reasons.push_back("made for " + from_arch + ", this GPU is " + to_arch);
    return s;
  }
  if (to_arch.empty()) s.reasons.push_back("architecture not checked (" + from_arch + ")");

  if (from.op_class == to.op_class) {
    s.score += kOpClassWeight;
    s.reasons.push_back("same op class (" + to.op_class + ")");
  } else {
    s.reasons.push_back("op class " + from.op_class + " vs " + to.op_class);
  }
  double dtypes = DtypeOverlap(from, to);
  s.score += kDtypeWeight * dtypes;
  s.reasons.push_back(dtypes == 1 ? "same dtypes (" + Dtypes(to) + ")"
                                  : "dtypes " + Dtypes(from) + " vs " + Dtypes(to));

  SizeRegime a = RegimeOf(from), b = RegimeOf(to);
  if (a.memory_bound == b.memory_bound) {
    s.score += kBoundWeight;
    s.reasons.push_back(b.memory_bound ? "both memory-bound" : "both compute-bound");
  } else {
    s.reasons.push_back(std::string(a.memory_bound ? "memory" : "compute") + "-bound vs " +
                        (b.memory_bound ? "memory" : "compute") + "-bound");
  }
  if (a.decode_like == b.decode_like && a.tall_skinny == b.tall_skinny && a.split_k == b.split_k) {
    s.score += kShapeClassWeight;
  } else {
    s.reasons.push_back(Shape(a) + " vs " + Shape(b));
  }
  // Closeness of intensity on a log scale: the same order of magnitude scores most, 100x none.
  double ia = std::max(a.intensity, 1e-3), ib = std::max(b.intensity, 1e-3);
  s.score += kIntensityWeight * std::max(0.0, 1 - std::fabs(std::log10(ia / ib)) / 2);
  s.reasons.push_back("intensity " + Number("%.3g", a.intensity) + " vs " +
                      Number("%.3g", b.intensity) + " FLOP/B");
  s.score += kAspectWeight * std::max(0.0, 1 - std::fabs(std::log2(a.aspect / b.aspect)) / 4);

  // The dimensions `to` shares with `from`: same name, values within 2x.
  int shared = 0;
  for (const auto& [name, value] : to.symbols) {
    auto it = from.symbols.find(name);
    if (it == from.symbols.end() || value <= 0 || it->second <= 0) continue;
    double ratio = static_cast<double>(value) / static_cast<double>(it->second);
    shared += ratio >= 0.5 && ratio <= 2;
  }
  if (!to.symbols.empty()) {
    s.score += kSharedDimsWeight * shared / static_cast<double>(to.symbols.size());
    s.reasons.push_back(std::to_string(shared) + " of " + std::to_string(to.symbols.size()) +
                        " dimensions shared");
  }
  s.score = std::clamp(s.score, 0.0, 1.0);
  return s;
}

std::vector<ScheduleMatch> MatchSchedules(const std::vector<Schedule>& available,
                                          const TaskProfile& to, const std::string& arch,
                                          std::size_t limit, double min_score) {
  std::vector<ScheduleMatch> out;
  for (const Schedule& s : available) {
    if (s.task.content_hash == to.content_hash) continue;
    Similarity sim = ScoreSimilarity(s.task, s.arch, to, arch);
    if (sim.score > 0 && sim.score >= min_score) out.push_back({&s, std::move(sim)});
  }
  std::sort(out.begin(), out.end(), [](const ScheduleMatch& a, const ScheduleMatch& b) {
    double sa = a.schedule->speedup.value_or(0), sb = b.schedule->speedup.value_or(0);
    return std::tie(b.similarity.score, sb, a.schedule->id) <
           std::tie(a.similarity.score, sa, b.schedule->id);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string ReasonsText(const std::vector<std::string>& reasons) {
  std::string text;
  for (const auto& r : reasons) text += (text.empty() ? "" : "; ") + r;
  return text;
}

}  // namespace kopt
