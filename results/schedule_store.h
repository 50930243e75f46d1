// SPDX-License-Identifier: Apache-2.0
// Schedules in the store (the `schedules` table, migrations/003_schedules.sql): one row per
// schedule's content (its fingerprint), the whole record as JSON beside the columns a filter
// needs. A query over Store, like the leaderboard.
#pragma once

#include "core/schedule.h"
#include "results/store.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// Empty strings match everything. `gpu` matches a device name containing it, ignoring case.
struct ScheduleFilter {
  std::string task;  // a task name, or a prefix (>= 6 hex digits) of its content hash
  std::string op_class;
  std::string gpu;
  std::string arch;
};

struct SavedSchedule {
  std::int64_t id = 0;
  bool added = false;  // false: the same content was stored already, under `id`
};

/// Stores `schedule` (its id, created_at and fingerprint are the store's); `task_id`: this
/// store's row of the schedule's task, when it has one.
SavedSchedule SaveSchedule(Store& store, const Schedule& schedule,
                           std::optional<std::int64_t> task_id);
std::optional<Schedule> GetSchedule(Store& store, std::int64_t schedule_id);
/// Oldest first; of a winner's schedules on one GPU, only the newest (GetSchedule reads any).
std::vector<Schedule> ListSchedules(Store& store, const ScheduleFilter& filter = {});

/// Records the schedules `run_id` replays: per task content hash, schedule ids best first.
/// Once per run; the ids must be stored schedules.
void RecordRunSchedules(Store& store, std::int64_t run_id,
                        const std::map<std::string, std::vector<std::int64_t>>& chosen);
/// What RecordRunSchedules recorded for `run_id` (empty when nothing).
std::map<std::string, std::vector<std::int64_t>> RunSchedules(Store& store, std::int64_t run_id);

}  // namespace kopt
