// SPDX-License-Identifier: Apache-2.0
#include "cli/progress_view.h"

#include "cli/print.h"
#include "cli/search_report.h"
#include "cli/store_access.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kopt::cli {
namespace {

constexpr int kBarCells = 20;
constexpr std::size_t kMaxLineChars = 160;  // a line drawn in place must not wrap

std::string Milliseconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f ms", ms);
  return buf;
}

std::string Ratio(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", x);
  return buf;
}

}  // namespace

std::string ProgressBar(double fraction, int width) {
  auto filled = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * width));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

double LimitFraction(const TaskProgress& p, const TaskSpend& spend) {
  double fraction = p.iterations > 0 ? static_cast<double>(p.iteration) / p.iterations : 0;
  if (p.max_candidates > 0) {
    fraction = std::max(fraction, static_cast<double>(p.candidates) / p.max_candidates);
  }
  if (spend.limit_usd > 0) fraction = std::max(fraction, spend.usd / spend.limit_usd);
  return fraction;
}

std::string ProgressLine(const TaskProgress& p, const TaskSpend& spend) {
  char head[64];
  std::snprintf(head, sizeof head, "%-26s", p.task.c_str());
  std::string line = head + ProgressBar(LimitFraction(p, spend), kBarCells) + " it " +
                     std::to_string(p.iteration) + "/" + std::to_string(p.iterations) + "  best " +
                     SpeedupText(p.best_speedup) + "  " + std::to_string(p.correct) + "/" +
                     std::to_string(p.candidates) + " correct";
  if (p.max_candidates > 0) line += " (limit " + std::to_string(p.max_candidates) + ")";
  if (spend.shown) {
    line += std::string("  ") + (spend.run_wide ? "run LLM " : "LLM ") + Money(spend.usd);
    if (spend.limit_usd > 0) line += " of " + Money(spend.limit_usd);
  }
  return line;
}

std::string KernelLine(const std::string& task, const EvaluatedKernel& k) {
  std::string line = task + " it " + std::to_string(k.iteration) + " " + k.proposer +
                     (k.option.empty() ? "" : " [" + k.option + "]") + ": " +
                     std::string(EvalStatusName(k.status));
  if (k.latency_ms) line += " " + Milliseconds(*k.latency_ms);
  if (k.speedup) line += ", " + Ratio(*k.speedup) + " over the reference";
  if (k.latency_ms && k.parent_ms && *k.latency_ms > 0) {
    line += ", " + Ratio(*k.parent_ms / *k.latency_ms) + " over its parent";
  }
  return line;
}

ProgressView::ProgressView(Verbosity verbosity, bool terminal,
                           std::function<TaskSpend(const std::string&)> spend)
    : verbosity_(verbosity), terminal_(terminal), spend_(std::move(spend)) {}

void ProgressView::Update(const TaskProgress& p) {
  if (verbosity_ == Verbosity::kQuiet) return;
  TaskSpend spend = spend_ ? spend_(p.task) : TaskSpend{};
  if (verbosity_ == Verbosity::kVerbose && p.evaluated) Above(KernelLine(p.task, *p.evaluated));
  if (p.state.rfind("done", 0) == 0) {
    std::string line = p.task + " done: " + p.state.substr(6) + "; best " +
                       SpeedupText(p.best_speedup) + ", " + std::to_string(p.correct) + "/" +
                       std::to_string(p.candidates) + " correct";
    if (spend.shown) line += ", LLM " + Money(spend.usd);
    active_.erase(p.task);
    Above(line);
  } else {
    std::string line = ProgressLine(p, spend);
    bool new_iteration = last_iteration_[p.task] != p.iteration || !active_.count(p.task);
    last_iteration_[p.task] = p.iteration;
    active_[p.task] = line;
    if (!terminal_ && new_iteration) Print("%s\n", line.c_str());
  }
  if (terminal_) Draw();
  std::fflush(stdout);
}

void ProgressView::Clear() {
  if (terminal_ && drawn_lines_ > 0) Print("\033[%dF\033[J", drawn_lines_);
  drawn_lines_ = 0;
}

void ProgressView::Above(const std::string& line) {
  Clear();
  Print("%s\n", line.c_str());
}

void ProgressView::Draw() {
  Clear();
  for (const auto& [task, line] : active_) {
    Print("%s\n", line.substr(0, kMaxLineChars).c_str());
    ++drawn_lines_;
  }
}

}  // namespace kopt::cli
