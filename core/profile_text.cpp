// SPDX-License-Identifier: Apache-2.0
#include "core/profile_text.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace kopt {
namespace {

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string Pct(double value) { return Format("%.0f%%", value); }

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::string WhyUnavailable(const Profile& p) {
  if (p.unavailable == "denied") return "no hardware counters: not permitted on this machine";
  if (p.unavailable == "busy") return "no hardware counters: another profiler holds them";
  if (p.unavailable == "unsupported") return "no hardware counters: not supported here";
  if (p.unavailable == "disabled") return "no hardware counters: turned off";
  return "no hardware counters";
}

// Counter clauses of one kernel or of the sequence.
std::vector<std::string> CounterParts(const ProfileFields& f, const KernelShape& shape) {
  std::vector<std::string> parts;
  if (f.dram_pct) parts.push_back("DRAM " + Pct(*f.dram_pct) + " of peak");
  if (f.occupancy_pct) {
    std::string occupancy = "occupancy " + Pct(*f.occupancy_pct);
    if (shape.theoretical_occupancy_pct > 0) {
      occupancy += " (theoretical " + Pct(shape.theoretical_occupancy_pct) + ")";
    }
    parts.push_back(occupancy);
  }
  if (f.l1_hit_pct) parts.push_back("L1 hit " + Pct(*f.l1_hit_pct));
  if (f.l2_hit_pct) parts.push_back("L2 hit " + Pct(*f.l2_hit_pct));
  if (f.sm_pct) parts.push_back("SM " + Pct(*f.sm_pct) + " of peak");
  if (f.tensor_pct && *f.tensor_pct >= 1) parts.push_back("tensor pipe " + Pct(*f.tensor_pct));
  if (f.sectors_per_load && *f.sectors_per_load > 4.5) {
    parts.push_back(Format("uncoalesced loads (%.1f sectors per request)", *f.sectors_per_load));
  }
  if (f.bank_conflicts && *f.bank_conflicts > 0) {
    parts.push_back(Format("%.0f shared-memory bank conflicts", *f.bank_conflicts));
  }
  return parts;
}

std::vector<std::string> ResourceParts(const KernelShape& s, bool with_occupancy) {
  std::vector<std::string> parts;
  if (with_occupancy && s.theoretical_occupancy_pct > 0) {
    parts.push_back("theoretical occupancy " + Pct(s.theoretical_occupancy_pct));
  }
  if (s.spill_store_bytes > 0 || s.spill_load_bytes > 0) {
    parts.push_back(std::to_string(s.spill_store_bytes) + " B spill stores, " +
                    std::to_string(s.spill_load_bytes) + " B spill loads");
  } else {
    parts.push_back("0 spills");
  }
  if (s.local_bytes > 0) {
    parts.push_back(std::to_string(s.local_bytes) + " B local memory per thread");
  }
  parts.push_back(std::to_string(s.registers) + " registers");
  return parts;
}

// "memory-bound: DRAM 84% of peak, ..." for one kernel or the sequence.
std::string Clause(const KernelProfile& k, bool counters, const Roofline* roofline) {
  std::vector<std::string> parts;
  std::string label = counters ? BoundLabel(k.fields, roofline) : "";
  if (roofline && roofline->floor_ms > 0) {
    parts.push_back(Pct(roofline->fraction * 100) + " of the " + roofline->bound + " roofline" +
                    (roofline->suspicious ? " (suspicious: faster than the floor)" : ""));
  }
  if (counters) {
    std::vector<std::string> c = CounterParts(k.fields, k.shape);
    parts.insert(parts.end(), c.begin(), c.end());
  }
  std::vector<std::string> r = ResourceParts(k.shape, !counters);
  parts.insert(parts.end(), r.begin(), r.end());
  std::string body = Join(parts, ", ");
  return label.empty() ? body : label + ": " + body;
}

}  // namespace

std::string BoundLabel(const ProfileFields& f, const Roofline* roofline) {
  double memory = std::max(f.dram_pct.value_or(0), f.memory_pct.value_or(0));
  double compute =
      std::max({f.sm_pct.value_or(0), f.tensor_pct.value_or(0), f.fma_pct.value_or(0)});
  if (memory >= kBoundPct || compute >= kBoundPct) {
    return memory >= compute ? "memory-bound" : "compute-bound";
  }
  if (roofline && roofline->fraction >= 0.6 && !roofline->bound.empty()) {
    return roofline->bound + "-bound";
  }
  if (f.dram_pct || f.memory_pct || f.sm_pct) return "latency-bound";
  return "";
}

std::string ProfileText(const Profile& profile, const std::optional<Roofline>& roofline) {
  const Roofline* r = roofline ? &*roofline : nullptr;
  std::string prefix = profile.counters ? "" : WhyUnavailable(profile) + "; ";
  if (profile.kernels.size() <= 1) {
    const KernelProfile& k = profile.kernels.empty() ? profile.summary : profile.kernels.front();
    return prefix + Clause(k, profile.counters, r);
  }
  std::string out = prefix + std::to_string(profile.kernels.size()) + " kernels, " +
                    Clause(profile.summary, profile.counters, r);
  double total = profile.summary.fields.duration_ms.value_or(0);
  for (const auto& k : profile.kernels) {
    out += "; ";
    out += k.kernel;
    if (total > 0 && k.fields.duration_ms) {
      out += " (" + Pct(*k.fields.duration_ms / total * 100) + " of the time)";
    }
    out += ' ';
    out += Clause(k, profile.counters, nullptr);
  }
  return out;
}

}  // namespace kopt
