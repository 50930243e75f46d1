// SPDX-License-Identifier: Apache-2.0
// What the profiler found out about a candidate's kernels: hardware counters from one run of
// the launch sequence (CUPTI range profiler), resources from the function attributes and the
// occupancy API, and why counters are missing when they are. Pure data and its JSON form.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// Which metric set to collect. The names are stored and never change.
enum class ProfileLevel { kNone, kDefault, kDeep };

std::string_view ProfileLevelName(ProfileLevel level);
std::optional<ProfileLevel> ParseProfileLevel(std::string_view name);

/// CUPTI metric names kopt derives its fields from (sm_70 and later; checked on GH100).
namespace metric {
inline constexpr const char* kDuration = "gpu__time_duration.sum";
inline constexpr const char* kDramPct = "dram__throughput.avg.pct_of_peak_sustained_elapsed";
inline constexpr const char* kOccupancyPct = "sm__warps_active.avg.pct_of_peak_sustained_active";
inline constexpr const char* kL1HitPct = "l1tex__t_sector_hit_rate.pct";
inline constexpr const char* kL2HitPct = "lts__t_sector_hit_rate.pct";
inline constexpr const char* kSmPct = "sm__throughput.avg.pct_of_peak_sustained_elapsed";
inline constexpr const char* kMemoryPct =
    "gpu__compute_memory_throughput.avg.pct_of_peak_sustained_elapsed";
inline constexpr const char* kTensorPct =
    "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed";
inline constexpr const char* kFmaPct =
    "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active";
inline constexpr const char* kIssuePct = "smsp__issue_active.avg.pct_of_peak_sustained_active";
inline constexpr const char* kIpc = "sm__inst_executed.avg.per_cycle_active";
inline constexpr const char* kDramReadBytes = "dram__bytes_read.sum";
inline constexpr const char* kDramWriteBytes = "dram__bytes_write.sum";
inline constexpr const char* kBankConflicts = "l1tex__data_bank_conflicts_pipe_lsu_mem_shared.sum";
inline constexpr const char* kLocalLoadSectors = "l1tex__t_sectors_pipe_lsu_mem_local_op_ld.sum";
inline constexpr const char* kLocalStoreSectors = "l1tex__t_sectors_pipe_lsu_mem_local_op_st.sum";
inline constexpr const char* kSectorsPerLoad =
    "l1tex__average_t_sectors_per_request_pipe_lsu_mem_global_op_ld.ratio";
inline constexpr const char* kSectorsPerStore =
    "l1tex__average_t_sectors_per_request_pipe_lsu_mem_global_op_st.ratio";
inline constexpr const char* kLongScoreboardStall =
    "smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio";
inline constexpr const char* kBarrierStall =
    "smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio";
inline constexpr const char* kSmClockHz = "sm__cycles_elapsed.avg.per_second";
}  // namespace metric

/// The metrics of a level: `kDefault` fits one pass on sm_90 (duration, DRAM %, achieved
/// occupancy, L1 hit rate); `kDeep` adds caches, pipes, stalls and traffic (about ten passes).
const std::vector<std::string>& ProfileMetrics(ProfileLevel level);

/// Fields derived from the raw metrics; absent when the metric was not collected.
struct ProfileFields {
  std::optional<double> duration_ms;
  std::optional<double> dram_pct;       // DRAM throughput, % of the hardware peak
  std::optional<double> occupancy_pct;  // achieved occupancy: active warps, % of the SM's maximum
  std::optional<double> l1_hit_pct;
  std::optional<double> l2_hit_pct;
  std::optional<double> sm_pct;      // SM throughput (the busiest SM pipe or unit), % of peak
  std::optional<double> memory_pct;  // the busiest memory unit (L1, L2, DRAM), % of peak
  std::optional<double> tensor_pct;  // tensor pipe active cycles, % of elapsed
  std::optional<double> fma_pct;     // FMA pipe active cycles, % of active
  std::optional<double> issue_pct;   // issue slots used, % of active cycles
  std::optional<double> ipc;         // warp instructions per active SM cycle
  std::optional<double> dram_read_bytes;
  std::optional<double> dram_write_bytes;
  std::optional<double> bank_conflicts;  // shared-memory bank conflicts
  std::optional<double> local_load_sectors;
  std::optional<double> local_store_sectors;
  std::optional<double> sectors_per_load;       // global loads: 4 is fully coalesced fp32
  std::optional<double> sectors_per_store;      // global stores
  std::optional<double> long_scoreboard_stall;  // warps waiting on memory, per issue
  std::optional<double> barrier_stall;          // warps waiting at __syncthreads, per issue
  std::optional<double> sm_clock_mhz;           // while the kernel ran
};

/// Registers, local memory, shared memory and occupancy of one kernel as it was launched.
struct KernelShape {
  int registers = 0;
  int local_bytes = 0;  // per thread: stack arrays and spills (function attribute)
  int spill_store_bytes = 0;
  int spill_load_bytes = 0;
  int static_smem_bytes = 0;
  int dynamic_smem_bytes = 0;
  int block_threads = 0;
  std::int64_t grid_blocks = 0;
  int blocks_per_sm = 0;                 // from the occupancy API
  double theoretical_occupancy_pct = 0;  // blocks_per_sm warps over the SM's maximum
};

/// One launch of the sequence.
struct KernelProfile {
  std::string kernel;
  int launch = 0;                         // index in the launch sequence
  std::map<std::string, double> metrics;  // as collected, by CUPTI metric name
  ProfileFields fields;
  KernelShape shape;
};

struct Profile {
  ProfileLevel level = ProfileLevel::kDefault;
  bool counters = false;  // hardware counters were collected
  /// Why there are no counters, in one word: "denied" (no permission), "busy" (another
  /// profiler holds CUPTI), "unsupported" (device or driver), "disabled" (KOPT_NO_CUPTI),
  /// "failed" (anything else).
  std::string unavailable;
  std::string note;   // the same in full: the CUPTI call and status
  std::string error;  // a bad request, such as an unknown metric name
  std::string chip;   // "GH100"
  int passes = 0;
  double wall_ms = 0;  // time the worker spent profiling, setup included
  std::vector<KernelProfile> kernels;
  /// The whole sequence: durations and counts add up, percentages and ratios are
  /// duration-weighted means, resources are the maxima over its kernels.
  KernelProfile summary;
};

/// Fills `fields` from `metrics` (unit conversions: ns to ms, Hz to MHz).
ProfileFields DeriveFields(const std::map<std::string, double>& metrics);
/// The sequence summary of `kernels` (see Profile::summary).
KernelProfile SummarizeKernels(const std::vector<KernelProfile>& kernels);

nlohmann::json ToJson(const Profile& p);
Profile ProfileFromJson(const nlohmann::json& j);

}  // namespace kopt
