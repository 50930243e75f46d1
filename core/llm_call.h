// SPDX-License-Identifier: Apache-2.0
// One call to an LLM as it is recorded: what was asked, what came back, what it cost. Shared by
// llm/ (which makes calls) and results/ (which stores them); the cache key makes re-runs free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kopt {

struct LlmCallRecord {
  std::string cache_key;  // hash of (provider, model, parameters, messages, sample index)
  std::string provider;   // "openai", "anthropic", "cmd", ...
  std::string model;
  std::string request_json;  // messages and parameters, never the API key
  std::string response_text;
  std::string finish_reason;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  double latency_ms = 0;
  std::optional<double> cost_usd;  // unknown when the model has no price
  std::string error;               // empty on success
  std::string purpose;             // what the call was for: "plan", "code", "repair", "test"
};

/// Where calls are recorded and found again by cache key: the seam between llm/ (which makes
/// calls) and results/ (which stores them). Implementations are safe to call from many threads.
class LlmCallLog {
 public:
  virtual ~LlmCallLog() = default;
  /// The successful call recorded under `cache_key`, if there is one.
  virtual std::optional<LlmCallRecord> FindByCacheKey(const std::string& cache_key) = 0;
  /// Records one call, successful or failed; durable when this returns.
  virtual void Record(const LlmCallRecord& call) = 0;
};

}  // namespace kopt
