// SPDX-License-Identifier: Apache-2.0
// Limits on LLM calls, tokens, dollars and wall time, checked before each call. A call reserves
// its upper bound (one call, its input estimate plus max_tokens, and their price) and commits
// what it really used; a call is admitted only if everything committed, everything reserved by
// calls in flight and its own reservation fit every limit. So concurrent calls cannot overshoot
// a limit, except by the error of the input estimate. Budgets chain: a task's budget has the
// run's as parent, and a call must fit both.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kopt {

struct BudgetLimits {
  std::optional<std::int64_t> calls;
  std::optional<std::int64_t> tokens;  // input + output
  std::optional<double> usd;
  std::optional<double> wall_s;  // since the budget was made
};

struct BudgetUsage {
  std::int64_t calls = 0;
  std::int64_t tokens = 0;
  double usd = 0;
  std::int64_t unpriced_calls = 0;  // calls whose cost is unknown (not in `usd`)
  std::int64_t calls_in_flight = 0;
  double elapsed_s = 0;
};

/// What one call may use at most. `usd` is unknown when the model has no price.
struct CallEstimate {
  std::int64_t tokens = 0;
  std::optional<double> usd;
  std::string model;  // "openai:gpt-5-mini", for messages
};

class Budget {
 public:
  using Clock = std::function<double()>;  // monotonic seconds

  /// `parent` (optional, not owned) must outlive this budget. `clock` defaults to steady_clock.
  Budget(std::string name, BudgetLimits limits, Budget* parent = nullptr, Clock clock = {});
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  /// Room held for one call in this budget and its parents. Destroying it uncommitted gives
  /// the room back (the call was never made).
  class Reservation {
   public:
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&&) = delete;
    ~Reservation();
    /// The call was made and used this much (usd unknown: counted as an unpriced call).
    void Commit(std::int64_t tokens, std::optional<double> usd);

   private:
    friend class Budget;
    Reservation(std::vector<Budget*> chain, CallEstimate estimate);
    std::vector<Budget*> chain_;
    CallEstimate estimate_;
    bool done_ = false;
  };

  /// Reserves room for one call, or says which limit of which budget stops it. Thread-safe.
  std::variant<Reservation, std::string> Reserve(const CallEstimate& estimate);

  BudgetUsage Usage() const;
  const std::string& name() const { return name_; }
  const BudgetLimits& limits() const { return limits_; }

 private:
  std::optional<std::string> TryReserve(const CallEstimate& estimate);
  void Release(const CallEstimate& estimate);
  void Commit(const CallEstimate& estimate, std::int64_t tokens, std::optional<double> usd);
  double Elapsed() const;

  std::string name_;
  BudgetLimits limits_;
  Budget* parent_;
  Clock clock_;
  double start_s_;
  mutable std::mutex mu_;
  BudgetUsage used_;  // calls, tokens, usd, unpriced_calls, calls_in_flight
  std::int64_t reserved_tokens_ = 0;
  double reserved_usd_ = 0;
};

/// One budget per task, all children of the run's, shared by every proposer that spends on a
/// task (several models splitting the work spend from one task budget). Thread-safe.
class TaskBudgets {
 public:
  /// `run` (optional, not owned) is every task budget's parent.
  TaskBudgets(BudgetLimits per_task, Budget* run) : per_task_(per_task), run_(run) {}
  /// The budget of the task `key` names (its content hash), called `name` in messages.
  Budget& For(const std::string& key, const std::string& name);
  Budget* run() const { return run_; }

 private:
  BudgetLimits per_task_;
  Budget* run_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Budget>> budgets_;
};

}  // namespace kopt
