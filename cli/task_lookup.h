// SPDX-License-Identifier: Apache-2.0
// Finds tasks and suites named on the command line: a folder path, "suite/task", or a task name
// searched in every suite under the data folder's tasks/.
#pragma once

#include "core/task.h"

#include <string>
#include <vector>

namespace kopt::cli {

/// Where the tasks and menus are: $KOPT_DATA_DIR, else <prefix>/share/kopt beside an installed
/// <prefix>/bin/kopt, else the source tree kopt was built from, else the current folder.
std::string DataDir();
std::string SuiteDir(const std::string& suite);
Task FindTask(const std::string& spec);
/// Every suite folder name under tasks/.
std::vector<std::string> SuiteNames();

}  // namespace kopt::cli
