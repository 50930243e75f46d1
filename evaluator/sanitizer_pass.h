// SPDX-License-Identifier: Apache-2.0
// compute-sanitizer over a candidate: its correctness runs at the check sizes, once under each
// tool (memcheck, racecheck, initcheck, synccheck), each in a GPU worker of its own with CUPTI
// off and a deadline of its own. An error-severity finding fails the candidate with the tool's
// report; warnings are recorded. Never while timing: the tools slow kernels 10-100x.
#pragma once

#include "core/eval_result.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace kopt {

/// compute-sanitizer's path ($CUDA_HOME/bin, the toolkit's, then PATH), or "" when absent.
std::string FindComputeSanitizer();

/// The error and warning counts and the first error of one tool's log ("========= ..." lines).
SanitizerTool ParseSanitizerLog(const std::string& tool, const std::string& log);

/// Runs each tool on `job` (an eval job: the checks at the check sizes, no timing). `worker`:
/// the kopt executable and its worker arguments.
SanitizerReport RunSanitizerPass(const std::vector<std::string>& worker, const nlohmann::json& job,
                                 double timeout_per_tool_s);

}  // namespace kopt
