// SPDX-License-Identifier: Apache-2.0
// A fixed set of threads running submitted jobs in order, and a counter of outstanding work to
// wait on. The search runs LLM calls on one pool and evaluations on another, so the two overlap.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kopt {

class WorkPool {
 public:
  explicit WorkPool(int threads);
  /// Finishes every queued job, then joins.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void Submit(std::function<void()> job);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// Counts jobs that are still to finish, across pools; Wait returns when the count is zero.
/// Jobs may add more jobs before they finish (an evaluation that asks for a repair).
class WorkGroup {
 public:
  /// Runs `job` on `pool`, counted until it returns. A job that throws is counted as finished;
  /// the first exception is rethrown by Wait.
  void Run(WorkPool& pool, std::function<void()> job);
  void Wait();

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  int outstanding_ = 0;
  std::exception_ptr error_;
};

}  // namespace kopt
