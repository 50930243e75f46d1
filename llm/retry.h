// SPDX-License-Identifier: Apache-2.0
// When and how long to retry a failed LLM call: exponential backoff with jitter from a seeded
// generator, Retry-After honoured, and no retry for errors that cannot succeed.
#pragma once

#include "llm/provider.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace kopt {

struct RetryPolicy {
  int max_attempts = 6;
  double initial_delay_s = 1;  // before the 2nd attempt; doubles each time
  double max_delay_s = 60;
  double max_retry_after_s = 300;    // a server asking to wait longer ends the call instead
  int max_bad_response_retries = 1;  // a malformed answer is retried this many times
  std::uint64_t seed = 0;            // jitter; 0 takes one from std::random_device
};

/// Whether an error of this kind may succeed when the same request is sent again: rate limits,
/// server errors, timeouts, dropped connections, malformed answers (except an oversized one).
bool IsRetryable(const LlmError& error);

/// Delays between attempts. Thread-safe.
class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy);
  /// Seconds to wait after failed attempt `attempt` (1-based): initial * 2^(attempt-1), capped,
  /// drawn uniformly from its upper half; at least `retry_after_s` (plus up to 10 %) when the
  /// server sent one.
  double DelayS(int attempt, std::optional<double> retry_after_s);

 private:
  RetryPolicy policy_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

using Sleeper = std::function<void(double seconds)>;
using NoticeSink = std::function<void(const std::string& line)>;

/// Calls `attempt(n)` for n = 1, 2, ... until it succeeds, fails with an error that cannot
/// succeed, or the policy runs out; waits between attempts with `backoff`. The result carries the
/// number of attempts and the total latency; a final error says how many attempts were made.
/// `notice` (optional) hears one line per retry; it never sees a key.
CompletionResult RunWithRetries(const RetryPolicy& policy, Backoff& backoff,
                                const std::function<CompletionResult(int attempt)>& attempt,
                                const std::string& what, const NoticeSink& notice = {},
                                const Sleeper& sleep = {});

}  // namespace kopt
