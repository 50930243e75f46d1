// SPDX-License-Identifier: Apache-2.0
// What `kopt optimize` shows while the search runs. On a terminal: one line per running task,
// redrawn in place, with a bar against whichever of its limits (iterations, candidates, LLM
// dollars) is nearest, and the best speedup so far; a permanent line when a task ends. Elsewhere
// (a pipe, a log): a line per task and iteration. --verbose adds a line per evaluated kernel;
// --quiet shows nothing until the summary.
#pragma once

#include "search/search.h"

#include <functional>
#include <map>
#include <string>

namespace kopt::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

/// A task's LLM spending for its progress line: dollars so far and the limit they count against
/// (0: none); `run_wide` when that limit is the run's budget (spent by every task together).
struct TaskSpend {
  bool shown = false;  // an LLM is configured
  double usd = 0;
  double limit_usd = 0;
  bool run_wide = false;
};

/// "[#######.............]": `fraction` (clamped to 0..1) of `width` cells filled.
std::string ProgressBar(double fraction, int width);
/// The fraction of the nearest limit a task has used: its iterations, its candidate limit, its
/// dollar limit.
double LimitFraction(const TaskProgress& p, const TaskSpend& spend);
/// "gemm_fp32  [####......] it 3/8  best 2.41x (2.37-2.47)  13/15 correct  LLM $0.12 of $1.00".
std::string ProgressLine(const TaskProgress& p, const TaskSpend& spend);
/// "gemm_fp32 it 2 llm [mem.coalescing]: correct 0.1830 ms, 2.41x over the reference, 1.15x over
/// its parent" (--verbose).
std::string KernelLine(const std::string& task, const EvaluatedKernel& k);

class ProgressView {
 public:
  ProgressView(Verbosity verbosity, bool terminal,
               std::function<TaskSpend(const std::string&)> spend);
  /// Called by the search, serialized.
  void Update(const TaskProgress& p);
  /// Erases the lines drawn in place (before other output).
  void Clear();

 private:
  void Draw();
  void Above(const std::string& line);  // a permanent line, above the lines drawn in place

  Verbosity verbosity_;
  bool terminal_;
  std::function<TaskSpend(const std::string&)> spend_;
  std::map<std::string, std::string> active_;  // task -> its line
  std::map<std::string, int> last_iteration_;
  int drawn_lines_ = 0;
};

}  // namespace kopt::cli
