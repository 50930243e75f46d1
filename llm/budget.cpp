// SPDX-License-Identifier: Apache-2.0
#include "llm/budget.h"

#include <chrono>
#include <cstdio>

namespace kopt {
namespace {

std::string Usd(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 0.01 && v > 0 ? "$%.6f" : "$%.2f", v);
  return buf;
}

std::string Num(double v, const char* fmt = "%.0f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

Budget::Budget(std::string name, BudgetLimits limits, Budget* parent, Clock clock)
    : name_(std::move(name)),
      limits_(limits),
      parent_(parent),
      clock_(clock ? std::move(clock) : Clock([] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
      })),
      start_s_(clock_()) {}

double Budget::Elapsed() const { return clock_() - start_s_; }

BudgetUsage Budget::Usage() const {
  std::lock_guard<std::mutex> lock(mu_);
  BudgetUsage u = used_;
  u.elapsed_s = Elapsed();
  return u;
}

std::optional<std::string> Budget::TryReserve(const CallEstimate& e) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string who = "budget '" + name_ + "': ";
  if (limits_.wall_s && Elapsed() >= *limits_.wall_s) {
    return who + "wall-time limit of " + Num(*limits_.wall_s) + " s reached (" + Num(Elapsed()) +
           " s elapsed)";
  }
  if (limits_.calls && used_.calls + used_.calls_in_flight + 1 > *limits_.calls) {
    return who + "call limit of " + std::to_string(*limits_.calls) + " reached (" +
           std::to_string(used_.calls) + " made, " + std::to_string(used_.calls_in_flight) +
           " in flight)";
  }
  if (limits_.tokens && used_.tokens + reserved_tokens_ + e.tokens > *limits_.tokens) {
    return who + "token limit of " + std::to_string(*limits_.tokens) + " reached (" +
           std::to_string(used_.tokens) + " used, " + std::to_string(reserved_tokens_) +
           " reserved by calls in flight, this call may use up to " + std::to_string(e.tokens) +
           ")";
  }
  if (limits_.usd) {
    if (!e.usd) {
      return who + "a dollar limit is set but the price of " + e.model +
             " is unknown; add it to a price file (--prices) or drop the dollar limit";
    }
    if (used_.usd + reserved_usd_ + *e.usd > *limits_.usd) {
      return who + "dollar limit of " + Usd(*limits_.usd) + " reached (" + Usd(used_.usd) +
             " spent, " + Usd(reserved_usd_) +
             " reserved by calls in flight, this call may cost up to " + Usd(*e.usd) + ")";
    }
  }
  ++used_.calls_in_flight;
  reserved_tokens_ += e.tokens;
  reserved_usd_ += e.usd.value_or(0);
  return std::nullopt;
}

void Budget::Release(const CallEstimate& e) {
  std::lock_guard<std::mutex> lock(mu_);
  --used_.calls_in_flight;
  reserved_tokens_ -= e.tokens;
  reserved_usd_ -= e.usd.value_or(0);
}

void Budget::Commit(const CallEstimate& e, std::int64_t tokens, std::optional<double> usd) {
  std::lock_guard<std::mutex> lock(mu_);
  --used_.calls_in_flight;
  reserved_tokens_ -= e.tokens;
  reserved_usd_ -= e.usd.value_or(0);
  ++used_.calls;
  used_.tokens += tokens;
  if (usd) {
    used_.usd += *usd;
  } else {
    ++used_.unpriced_calls;
  }
}

std::variant<Budget::Reservation, std::string> Budget::Reserve(const CallEstimate& estimate) {
  std::vector<Budget*> chain;
  for (Budget* b = this; b; b = b->parent_) {
    if (auto why = b->TryReserve(estimate)) {
      for (Budget* held : chain) held->Release(estimate);
      return *why;
    }
    chain.push_back(b);
  }
  return Reservation(std::move(chain), estimate);
}

Budget::Reservation::Reservation(std::vector<Budget*> chain, CallEstimate estimate)
    : chain_(std::move(chain)), estimate_(std::move(estimate)) {}

Budget::Reservation::Reservation(Reservation&& other) noexcept
    : chain_(std::move(other.chain_)), estimate_(std::move(other.estimate_)), done_(other.done_) {
  other.done_ = true;
}

Budget::Reservation::~Reservation() {
  if (done_) return;
  for (Budget* b : chain_) b->Release(estimate_);
}

void Budget::Reservation::Commit(std::int64_t tokens, std::optional<double> usd) {
  if (done_) return;
  done_ = true;
  for (Budget* b : chain_) b->Commit(estimate_, tokens, usd);
}

Budget& TaskBudgets::For(const std::string& key, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& budget = budgets_[key];
  if (!budget) budget = std::make_unique<Budget>(name, per_task_, run_);
  return *budget;
}

}  // namespace kopt
