// SPDX-License-Identifier: Apache-2.0
#include "cli/task_lookup.h"

#include "evaluator/cuda_evaluator.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace kopt::cli {
namespace fs = std::filesystem;

std::string DataDir() {
  if (const char* env = std::getenv("KOPT_DATA_DIR")) return env;
  // Installed (`cmake --install`): <prefix>/bin/kopt beside <prefix>/share/kopt.
  fs::path installed = fs::path(SelfExecutable()).parent_path().parent_path() / "share" / "kopt";
  if (fs::exists(installed / "tasks")) return installed.string();
  if (fs::exists(fs::path(KOPT_SOURCE_DIR) / "tasks")) return KOPT_SOURCE_DIR;
  return ".";
}

std::string SuiteDir(const std::string& suite) {
  if (fs::is_directory(suite) && fs::exists(fs::path(suite) / "..")) {
    bool has_tasks = false;
    for (const auto& e : fs::directory_iterator(suite))
      has_tasks |= fs::exists(e.path() / "task.json");
    if (has_tasks) return suite;
  }
  return (fs::path(DataDir()) / "tasks" / suite).string();
}

std::vector<std::string> SuiteNames() {
  return ListSuites((fs::path(DataDir()) / "tasks").string());
}

Task FindTask(const std::string& spec) {
  if (fs::exists(fs::path(spec) / "task.json")) return LoadTask(spec);
  fs::path in_data = fs::path(DataDir()) / "tasks" / spec;
  if (fs::exists(in_data / "task.json")) return LoadTask(in_data.string());
  std::vector<std::string> matches;
  for (const auto& suite : SuiteNames()) {
    fs::path candidate = fs::path(DataDir()) / "tasks" / suite / spec;
    if (fs::exists(candidate / "task.json")) matches.push_back(candidate.string());
  }
  if (matches.size() == 1) return LoadTask(matches[0]);
  if (matches.size() > 1) {
    throw ConfigError("task '" + spec + "' is in several suites; name it as suite/" + spec);
  }
  throw ConfigError("no task '" + spec +
                    "' (give a task folder, suite/task, or a task name; see "
                    "`kopt tasks`)");
}

}  // namespace kopt::cli
