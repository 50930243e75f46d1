// SPDX-License-Identifier: Apache-2.0
// Reuse by kernel transfer, the cheaper alternative to replaying a schedule: a similar task's
// winning kernel, and this task's starter with the tunable values that won there, join the
// task's roots (SearchConfig::seeds); when they are correct here the tune proposer re-tunes them.
// No LLM call.
#pragma once

#include "core/schedule.h"
#include "core/task.h"
#include "search/search.h"

#include <vector>

namespace kopt {

/// The roots that carry `from`'s winner over to `task`: the winning kernel with the tunable
/// values it won with (when the schedule keeps its source), then `task`'s starter with the
/// winner's values of the tunables its block also has (when it has a starter and one of them
/// differs from its defaults). Each names `from` in its plan; `why` is the similarity's reasons.
std::vector<SeedKernel> TransferSeeds(const Task& task, const Schedule& from,
                                      const std::string& why);

}  // namespace kopt
