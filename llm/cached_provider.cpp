// SPDX-License-Identifier: Apache-2.0
#include "llm/cached_provider.h"

#include "core/sha256.h"
#include "llm/http_errors.h"

#include <nlohmann/json.hpp>

namespace kopt {
namespace {

// Bump when the fields below change meaning: old answers then stop matching instead of lying.
constexpr int kKeyVersion = 1;

nlohmann::json KeyFields(const std::string& provider, const std::string& model,
                         const CompletionRequest& request) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  // nlohmann::json objects keep keys sorted, so the text is canonical.
  return {{"key_version", kKeyVersion},
          {"provider", provider},
          {"model", model},
          {"messages", std::move(messages)},
          {"temperature",
           request.temperature ? nlohmann::json(*request.temperature) : nlohmann::json()},
          {"max_tokens", request.max_tokens},
          {"reasoning_effort", request.reasoning_effort},
          {"sample_index", request.sample_index}};
}

}  // namespace

std::string LlmCacheKey(const std::string& provider, const std::string& model,
                        const CompletionRequest& request) {
  return Sha256Hex(DumpJson(KeyFields(provider, model, request)));
}

std::string LlmRequestJson(const std::string& provider, const std::string& model,
                           const CompletionRequest& request) {
  nlohmann::json j = KeyFields(provider, model, request);
  j["purpose"] = request.purpose;
  return DumpJson(j);
}

LlmCallRecord ToCallRecord(const std::string& cache_key, const std::string& provider,
                           const std::string& model, const CompletionRequest& request,
                           const CompletionResult& result) {
  LlmCallRecord r;
  r.cache_key = cache_key;
  r.provider = provider;
  r.model = model;
  r.purpose = request.purpose;
  r.request_json = LlmRequestJson(provider, model, request);
  if (result.ok()) {
    const Completion& c = result.value();
    r.response_text = c.text;
    r.finish_reason = c.finish_reason;
    r.input_tokens = c.input_tokens;
    r.output_tokens = c.output_tokens;
    r.reasoning_tokens = c.reasoning_tokens;
    r.latency_ms = c.latency_ms;
    r.cost_usd = c.cost_usd;
  } else {
    const LlmError& e = result.error();
    r.latency_ms = e.latency_ms;
    r.error = std::string(ToString(e.kind)) + ": " + e.message;
  }
  return r;
}

Completion FromCallRecord(const LlmCallRecord& record) {
  Completion c;
  c.text = record.response_text;
  c.finish_reason = record.finish_reason;
  c.input_tokens = record.input_tokens;
  c.output_tokens = record.output_tokens;
  c.reasoning_tokens = record.reasoning_tokens;
  c.latency_ms = record.latency_ms;
  c.cost_usd = record.cost_usd;
  c.attempts = 0;
  c.from_cache = true;
  c.cache_key = record.cache_key;
  return c;
}

CachedProvider::CachedProvider(Provider& inner, LlmCallLog& log, CacheMode mode)
    : inner_(inner), log_(log), mode_(mode) {}

CompletionResult CachedProvider::Complete(const CompletionRequest& request) {
  std::string model = ResolvedModel(inner_, request);
  std::string key = LlmCacheKey(inner_.name(), model, request);
  if (mode_ == CacheMode::kReadWrite) {
    if (auto hit = log_.FindByCacheKey(key); hit && hit->error.empty()) {
      return FromCallRecord(*hit);
    }
  }
  CompletionResult result = inner_.Complete(request);
  if (!result.ok() && (result.error().kind == LlmErrorKind::kBudget ||
                       result.error().kind == LlmErrorKind::kCacheMiss)) {
    return result;
  }
  log_.Record(ToCallRecord(key, inner_.name(), model, request, result));
  if (result.ok()) result.value().cache_key = key;
  return result;
}

}  // namespace kopt
