// SPDX-License-Identifier: Apache-2.0
#include "core/profile.h"

#include <algorithm>
#include <array>

namespace kopt {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<ProfileLevel, std::string_view>, 3> kLevelNames = {{
    {ProfileLevel::kNone, "none"},
    {ProfileLevel::kDefault, "default"},
    {ProfileLevel::kDeep, "deep"},
}};

// How a field combines over the kernels of a sequence.
enum class Combine { kSum, kWeighted };

struct FieldSpec {
  const char* key;  // JSON key
  std::optional<double> ProfileFields::*member;
  const char* metric;
  double scale;  // metric value * scale = field value
  Combine combine;
};

const std::array<FieldSpec, 21> kFields = {{
    {"duration_ms", &ProfileFields::duration_ms, metric::kDuration, 1e-6, Combine::kSum},
    {"dram_pct", &ProfileFields::dram_pct, metric::kDramPct, 1, Combine::kWeighted},
    {"occupancy_pct", &ProfileFields::occupancy_pct, metric::kOccupancyPct, 1, Combine::kWeighted},
    {"l1_hit_pct", &ProfileFields::l1_hit_pct, metric::kL1HitPct, 1, Combine::kWeighted},
    {"l2_hit_pct", &ProfileFields::l2_hit_pct, metric::kL2HitPct, 1, Combine::kWeighted},
    {"sm_pct", &ProfileFields::sm_pct, metric::kSmPct, 1, Combine::kWeighted},
    {"memory_pct", &ProfileFields::memory_pct, metric::kMemoryPct, 1, Combine::kWeighted},
    {"tensor_pct", &ProfileFields::tensor_pct, metric::kTensorPct, 1, Combine::kWeighted},
    {"fma_pct", &ProfileFields::fma_pct, metric::kFmaPct, 1, Combine::kWeighted},
    {"issue_pct", &ProfileFields::issue_pct, metric::kIssuePct, 1, Combine::kWeighted},
    {"ipc", &ProfileFields::ipc, metric::kIpc, 1, Combine::kWeighted},
    {"dram_read_bytes", &ProfileFields::dram_read_bytes, metric::kDramReadBytes, 1, Combine::kSum},
    {"dram_write_bytes", &ProfileFields::dram_write_bytes, metric::kDramWriteBytes, 1,
     Combine::kSum},
    {"bank_conflicts", &ProfileFields::bank_conflicts, metric::kBankConflicts, 1, Combine::kSum},
    {"local_load_sectors", &ProfileFields::local_load_sectors, metric::kLocalLoadSectors, 1,
     Combine::kSum},
    {"local_store_sectors", &ProfileFields::local_store_sectors, metric::kLocalStoreSectors, 1,
     Combine::kSum},
    {"sectors_per_load", &ProfileFields::sectors_per_load, metric::kSectorsPerLoad, 1,
     Combine::kWeighted},
    {"sectors_per_store", &ProfileFields::sectors_per_store, metric::kSectorsPerStore, 1,
     Combine::kWeighted},
    {"long_scoreboard_stall", &ProfileFields::long_scoreboard_stall, metric::kLongScoreboardStall,
     1, Combine::kWeighted},
    {"barrier_stall", &ProfileFields::barrier_stall, metric::kBarrierStall, 1, Combine::kWeighted},
    {"sm_clock_mhz", &ProfileFields::sm_clock_mhz, metric::kSmClockHz, 1e-6, Combine::kWeighted},
}};

json FieldsToJson(const ProfileFields& f) {
  json j = json::object();
  for (const FieldSpec& spec : kFields) {
    if (const auto& v = f.*spec.member) j[spec.key] = *v;
  }
  return j;
}

ProfileFields FieldsFromJson(const json& j) {
  ProfileFields f;
  for (const FieldSpec& spec : kFields) {
    if (j.contains(spec.key) && j.at(spec.key).is_number()) {
      f.*spec.member = j.at(spec.key).get<double>();
    }
  }
  return f;
}

json ShapeToJson(const KernelShape& s) {
  return {{"registers", s.registers},
          {"local_bytes", s.local_bytes},
          {"spill_store_bytes", s.spill_store_bytes},
          {"spill_load_bytes", s.spill_load_bytes},
          {"static_smem_bytes", s.static_smem_bytes},
          {"dynamic_smem_bytes", s.dynamic_smem_bytes},
          {"block_threads", s.block_threads},
          {"grid_blocks", s.grid_blocks},
          {"blocks_per_sm", s.blocks_per_sm},
          {"theoretical_occupancy_pct", s.theoretical_occupancy_pct}};
}

KernelShape ShapeFromJson(const json& j) {
  KernelShape s;
  s.registers = j.value("registers", 0);
  s.local_bytes = j.value("local_bytes", 0);
  s.spill_store_bytes = j.value("spill_store_bytes", 0);
  s.spill_load_bytes = j.value("spill_load_bytes", 0);
  s.static_smem_bytes = j.value("static_smem_bytes", 0);
  s.dynamic_smem_bytes = j.value("dynamic_smem_bytes", 0);
  s.block_threads = j.value("block_threads", 0);
  s.grid_blocks = j.value("grid_blocks", std::int64_t{0});
  s.blocks_per_sm = j.value("blocks_per_sm", 0);
  s.theoretical_occupancy_pct = j.value("theoretical_occupancy_pct", 0.0);
  return s;
}

json KernelToJson(const KernelProfile& k) {
  json metrics = json::object();
  for (const auto& [name, value] : k.metrics) metrics[name] = value;
  return {{"kernel", k.kernel},
          {"launch", k.launch},
          {"metrics", metrics},
          {"fields", FieldsToJson(k.fields)},
          {"shape", ShapeToJson(k.shape)}};
}

KernelProfile KernelFromJson(const json& j) {
  KernelProfile k;
  k.kernel = j.value("kernel", "");
  k.launch = j.value("launch", 0);
  json metrics = j.value("metrics", json::object());
  for (const auto& [name, value] : metrics.items()) {
    if (value.is_number()) k.metrics[name] = value.get<double>();
  }
  k.fields = FieldsFromJson(j.value("fields", json::object()));
  k.shape = ShapeFromJson(j.value("shape", json::object()));
  return k;
}

}  // namespace

std::string_view ProfileLevelName(ProfileLevel level) {
  for (const auto& [l, name] : kLevelNames) {
    if (l == level) return name;
  }
  return "none";
}

std::optional<ProfileLevel> ParseProfileLevel(std::string_view name) {
  for (const auto& [l, n] : kLevelNames) {
    if (n == name) return l;
  }
  return std::nullopt;
}

const std::vector<std::string>& ProfileMetrics(ProfileLevel level) {
  static const std::vector<std::string> kNoMetrics;
  static const std::vector<std::string> kDefault = {metric::kDuration, metric::kDramPct,
                                                    metric::kOccupancyPct, metric::kL1HitPct};
  static const std::vector<std::string> kDeep = [] {
    std::vector<std::string> deep = kDefault;
    for (const char* m :
         {metric::kL2HitPct, metric::kSmPct, metric::kMemoryPct, metric::kTensorPct,
          metric::kFmaPct, metric::kIssuePct, metric::kIpc, metric::kDramReadBytes,
          metric::kDramWriteBytes, metric::kBankConflicts, metric::kLocalLoadSectors,
          metric::kLocalStoreSectors, metric::kSectorsPerLoad, metric::kSectorsPerStore,
          metric::kLongScoreboardStall, metric::kBarrierStall, metric::kSmClockHz}) {
      deep.emplace_back(m);
    }
    return deep;
  }();
  switch (level) {
    case ProfileLevel::kDefault:
      return kDefault;
    case ProfileLevel::kDeep:
      return kDeep;
    case ProfileLevel::kNone:
      break;
  }
  return kNoMetrics;
}

ProfileFields DeriveFields(const std::map<std::string, double>& metrics) {
  ProfileFields f;
  for (const FieldSpec& spec : kFields) {
    auto it = metrics.find(spec.metric);
    if (it != metrics.end()) f.*spec.member = it->second * spec.scale;
  }
  return f;
}

KernelProfile SummarizeKernels(const std::vector<KernelProfile>& kernels) {
  if (kernels.size() == 1) return kernels.front();
  KernelProfile s;
  s.launch = -1;
  for (const auto& k : kernels) s.kernel += (s.kernel.empty() ? "" : "+") + k.kernel;
  if (kernels.empty()) return s;
  // Weights: each kernel's duration (equal weights when durations are missing).
  std::vector<double> weights;
  double total = 0;
  for (const auto& k : kernels) {
    weights.push_back(k.fields.duration_ms.value_or(0));
    total += weights.back();
  }
  if (total <= 0) {
    std::fill(weights.begin(), weights.end(), 1.0);
    total = static_cast<double>(kernels.size());
  }
  for (const FieldSpec& spec : kFields) {
    double sum = 0, weight = 0;
    bool any = false;
    for (std::size_t i = 0; i < kernels.size(); ++i) {
      const auto& v = kernels[i].fields.*spec.member;
      if (!v) continue;
      any = true;
      if (spec.combine == Combine::kSum) {
        sum += *v;
      } else {
        sum += *v * weights[i];
        weight += weights[i];
      }
    }
    if (!any) continue;
    s.fields.*spec.member = spec.combine == Combine::kSum ? sum : (weight > 0 ? sum / weight : 0);
  }
  double occupancy = 0;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const KernelShape& k = kernels[i].shape;
    KernelShape& m = s.shape;
    m.registers = std::max(m.registers, k.registers);
    m.local_bytes = std::max(m.local_bytes, k.local_bytes);
    m.spill_store_bytes = std::max(m.spill_store_bytes, k.spill_store_bytes);
    m.spill_load_bytes = std::max(m.spill_load_bytes, k.spill_load_bytes);
    m.static_smem_bytes = std::max(m.static_smem_bytes, k.static_smem_bytes);
    m.dynamic_smem_bytes = std::max(m.dynamic_smem_bytes, k.dynamic_smem_bytes);
    m.block_threads = std::max(m.block_threads, k.block_threads);
    m.grid_blocks += k.grid_blocks;
    occupancy += k.theoretical_occupancy_pct * weights[i];
  }
  s.shape.theoretical_occupancy_pct = occupancy / total;
  return s;
}

json ToJson(const Profile& p) {
  json kernels = json::array();
  for (const auto& k : p.kernels) kernels.push_back(KernelToJson(k));
  return {{"level", ProfileLevelName(p.level)},
          {"counters", p.counters},
          {"unavailable", p.unavailable},
          {"note", p.note},
          {"error", p.error},
          {"chip", p.chip},
          {"passes", p.passes},
          {"wall_ms", p.wall_ms},
          {"kernels", kernels},
          {"summary", KernelToJson(p.summary)}};
}

Profile ProfileFromJson(const json& j) {
  Profile p;
  p.level = ParseProfileLevel(j.value("level", "default")).value_or(ProfileLevel::kDefault);
  p.counters = j.value("counters", false);
  p.unavailable = j.value("unavailable", "");
  p.note = j.value("note", "");
  p.error = j.value("error", "");
  p.chip = j.value("chip", "");
  p.passes = j.value("passes", 0);
  p.wall_ms = j.value("wall_ms", 0.0);
  for (const auto& k : j.value("kernels", json::array())) p.kernels.push_back(KernelFromJson(k));
  if (j.contains("summary")) p.summary = KernelFromJson(j.at("summary"));
  return p;
}

}  // namespace kopt
