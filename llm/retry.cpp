// SPDX-License-Identifier: Apache-2.0
#include "llm/retry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.0f s", s);
  return buf;
}

void RealSleep(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace

bool IsRetryable(const LlmError& error) {
  if (error.no_retry) return false;
  switch (error.kind) {
    case LlmErrorKind::kRateLimited:
    case LlmErrorKind::kServer:
    case LlmErrorKind::kTimeout:
    case LlmErrorKind::kNetwork:
    case LlmErrorKind::kBadResponse:
      return true;
    case LlmErrorKind::kBadRequest:
    case LlmErrorKind::kAuth:
    case LlmErrorKind::kCommand:
    case LlmErrorKind::kBudget:
    case LlmErrorKind::kCacheMiss:
      return false;
  }
  return false;
}

Backoff::Backoff(const RetryPolicy& policy)
    : policy_(policy), rng_(policy.seed != 0 ? policy.seed : std::random_device{}()) {}

double Backoff::DelayS(int attempt, std::optional<double> retry_after_s) {
  double base = policy_.initial_delay_s * std::pow(2.0, std::max(0, attempt - 1));
  base = std::min(base, policy_.max_delay_s);
  std::lock_guard<std::mutex> lock(mu_);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double u = unit(rng_);
  if (retry_after_s) return *retry_after_s * (1.0 + 0.1 * u);
  return base * (0.5 + 0.5 * u);
}

CompletionResult RunWithRetries(const RetryPolicy& policy, Backoff& backoff,
                                const std::function<CompletionResult(int attempt)>& attempt,
                                const std::string& what, const NoticeSink& notice,
                                const Sleeper& sleep) {
  auto start = Clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  int bad_responses = 0;
  int max_attempts = std::max(1, policy.max_attempts);
  for (int n = 1;; ++n) {
    CompletionResult result = attempt(n);
    if (result.ok()) {
      result.value().attempts = n;
      result.value().latency_ms = elapsed_ms();
      return result;
    }
    LlmError& e = result.error();
    e.attempts = n;
    e.latency_ms = elapsed_ms();
    bool retry = IsRetryable(e) && n < max_attempts;
    if (e.kind == LlmErrorKind::kBadResponse && ++bad_responses > policy.max_bad_response_retries) {
      retry = false;
    }
    if (retry && e.retry_after_s && *e.retry_after_s > policy.max_retry_after_s) {
      e.message += " (the server asked to wait " + Seconds(*e.retry_after_s) +
                   ", longer than the " + Seconds(policy.max_retry_after_s) + " allowed)";
      retry = false;
    }
    if (!retry) {
      if (n > 1) e.message += " (after " + std::to_string(n) + " attempts)";
      return result;
    }
    double delay = backoff.DelayS(n, e.retry_after_s);
    if (notice) {
      notice(what + ": " + std::string(ToString(e.kind)) + ": " + e.message + "; retrying in " +
             Seconds(delay) + " (attempt " + std::to_string(n + 1) + " of " +
             std::to_string(max_attempts) + ")");
    }
    (sleep ? sleep : RealSleep)(delay);
  }
}

}  // namespace kopt
