// SPDX-License-Identifier: Apache-2.0
// Where an evaluation's wall time goes: milliseconds per named stage ("compile", "inputs",
// "reference", "candidate_runs", "compare", "timing", ...), summed over every time the stage
// ran. The worker measures its stages and the parent adds its own (compile, the wait for the
// GPU, the worker round trip), so a benchmark can say which stage to make faster.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace kopt {

/// Stage name -> milliseconds.
using StageTimes = std::map<std::string, double, std::less<>>;

class StageClock {
 public:
  /// Adds the time from its construction to its destruction to `stage`. A stage measured inside
  /// another counts in both: stages are views, not a partition, unless the caller keeps them
  /// apart.
  class Scope {
   public:
    Scope(StageClock& clock, std::string stage)
        : clock_(clock), stage_(std::move(stage)), start_(std::chrono::steady_clock::now()) {}
    ~Scope() {
      clock_.Add(stage_, std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - start_)
                             .count());
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    StageClock& clock_;
    std::string stage_;
    std::chrono::steady_clock::time_point start_;
  };

  Scope Measure(std::string stage) { return Scope(*this, std::move(stage)); }
  void Add(const std::string& stage, double ms) { times_[stage] += ms; }
  const StageTimes& times() const { return times_; }

 private:
  StageTimes times_;
};

/// `into` plus every stage of `more`.
void AddStageTimes(StageTimes& into, const StageTimes& more);

/// "compile 519.8 ms, worker_round_trip 80.1 ms, ...": the stages, longest first.
std::string StageTimesText(const StageTimes& times);

}  // namespace kopt
