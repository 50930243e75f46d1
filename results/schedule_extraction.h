// SPDX-License-Identifier: Apache-2.0
// A schedule read off the store's lineage: from a task's reference to a winning kernel on one
// GPU, each step measured on that GPU, with the siblings tried beside each step that failed or
// did not beat their parent (negative evidence).
#pragma once

#include "core/schedule.h"
#include "results/leaderboard.h"
#include "results/store.h"

#include <optional>
#include <string>

namespace kopt {

/// The schedule that made `winner_id` (a candidate row), measured on `device`; none when the
/// winner is the reference itself or has no correct timed evaluation on `device`. A step's
/// siblings are the other children of its parent's kernel (any row of that kernel, any run).
std::optional<Schedule> ExtractSchedule(Store& store, std::int64_t winner_id,
                                        const std::string& device);

/// Stores the schedule of every leaderboard winner the filter admits (one per task version and
/// GPU) that the store does not hold yet; returns how many were added. `kopt optimize` calls it
/// when a run ends and `kopt schedules` before it reads, so schedules follow the leaderboard.
int RecordWinnersSchedules(Store& store, const LeaderboardFilter& filter = {});

}  // namespace kopt
