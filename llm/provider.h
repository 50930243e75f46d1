// SPDX-License-Identifier: Apache-2.0
// The Provider seam: one request to an LLM gives a completion or a typed error. A failed call is
// data for the search (returned, never thrown), so the search carries on when an API misbehaves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kopt {

struct LlmMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

struct CompletionRequest {
  std::vector<LlmMessage> messages;
  std::string model;                  // empty: the provider's model (from its spec)
  std::optional<double> temperature;  // unset: not sent (the API's default)
  std::int64_t max_tokens = 8192;     // output cap, reasoning tokens included
  std::string reasoning_effort;       // empty: not sent; passed through as the API spells it
  int sample_index = 0;               // tells repeated samples of one prompt apart (cache key)
  std::string purpose;                // what the call is for ("plan", "code", ...); recorded only
};

struct Completion {
  std::string text;
  std::string finish_reason;  // "stop", "length", "content_filter", or the API's own word
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;     // reasoning tokens included (they are billed as output)
  std::int64_t reasoning_tokens = 0;  // 0 where the API does not say
  double latency_ms = 0;              // the whole call, retries included
  std::optional<double> cost_usd;     // unknown when the model has no price; never a guessed 0
  int attempts = 1;
  bool from_cache = false;  // answered from the call log; latency and cost are the recorded ones
  std::string cache_key;    // set by the caching layer
};

/// Why a call failed. The names are stored (LlmCallRecord::error) and never renumbered.
enum class LlmErrorKind {
  kRateLimited,  // HTTP 429
  kServer,       // HTTP 5xx and other server-side failures
  kTimeout,      // connect or total timeout
  kNetwork,      // connection refused, reset or dropped
  kBadRequest,   // HTTP 400/404/... : the request cannot succeed as sent
  kAuth,         // HTTP 401/403: a bad or missing key
  kBadResponse,  // an answer that is not what the API promises (bad JSON, no choices, too big)
  kCommand,      // the external command failed (non-zero exit, no output)
  kBudget,       // a budget limit stopped the call before it was made
  kCacheMiss,    // replay found no recorded call
};

/// "rate_limited", "server", "timeout", ...
std::string_view ToString(LlmErrorKind kind);

struct LlmError {
  LlmErrorKind kind = LlmErrorKind::kServer;
  std::string message;  // never contains an API key
  int http_status = 0;  // 0 when there was no HTTP answer
  int attempts = 0;
  double latency_ms = 0;
  std::optional<double> retry_after_s;  // what the server asked for, if it did
  bool no_retry = false;  // retrying cannot help though the kind usually can (an oversized answer)
};

/// A completion or the error that replaced it.
class CompletionResult {
 public:
  CompletionResult(Completion completion) : value_(std::move(completion)) {}
  CompletionResult(LlmError error) : value_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<Completion>(value_); }
  /// Requires ok().
  const Completion& value() const;
  Completion& value();
  /// Requires !ok().
  const LlmError& error() const;
  LlmError& error();

 private:
  std::variant<Completion, LlmError> value_;
};

/// One configured LLM endpoint. Implementations are safe to call from many threads at once and
/// never throw for a failed call; they throw only for programmer errors or a call log that
/// cannot be written.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual CompletionResult Complete(const CompletionRequest& request) = 0;
  /// "openai", "anthropic", "openrouter", "cmd": the provider part of cache keys and records.
  virtual const std::string& name() const = 0;
  /// The model used when a request names none (for "cmd", the command line).
  virtual const std::string& model() const = 0;
};

/// `request.model`, or the provider's model when the request names none.
std::string ResolvedModel(const Provider& provider, const CompletionRequest& request);

/// `request` with every known secret removed from its messages (core/secrets.h): what a
/// provider that sends a request (over HTTP, to a command) sends instead of the request itself.
CompletionRequest WithoutSecrets(CompletionRequest request);

}  // namespace kopt
