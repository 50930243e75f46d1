// SPDX-License-Identifier: Apache-2.0
// The response cache over the LlmCallLog seam: a call is keyed by a hash of (provider, model,
// parameters, messages, sample index); a recorded answer is returned with no network, and every
// call that reached the inner provider is recorded, failed ones included.
#pragma once

#include "core/llm_call.h"
#include "llm/provider.h"

#include <string>

namespace kopt {

/// Hex SHA-256 of the canonical JSON of what determines an answer: provider, model, messages,
/// temperature, max_tokens, reasoning_effort, sample_index (and a format version). The purpose,
/// the base URL and the key are not part of it.
std::string LlmCacheKey(const std::string& provider, const std::string& model,
                        const CompletionRequest& request);

/// The record's request_json: the key's fields plus the purpose. Never an API key.
std::string LlmRequestJson(const std::string& provider, const std::string& model,
                           const CompletionRequest& request);

/// A completion as a recorded answer and back.
LlmCallRecord ToCallRecord(const std::string& cache_key, const std::string& provider,
                           const std::string& model, const CompletionRequest& request,
                           const CompletionResult& result);
Completion FromCallRecord(const LlmCallRecord& record);

enum class CacheMode {
  kReadWrite,   // answer from the log when recorded, else call and record
  kRecordOnly,  // always call, and record (`kopt llm test`: a check must reach the server)
};

/// Wraps another provider (not owned). Budget and cache-miss errors never reached a server and
/// are not recorded.
class CachedProvider : public Provider {
 public:
  CachedProvider(Provider& inner, LlmCallLog& log, CacheMode mode = CacheMode::kReadWrite);

  CompletionResult Complete(const CompletionRequest& request) override;
  const std::string& name() const override { return inner_.name(); }
  const std::string& model() const override { return inner_.model(); }

 private:
  Provider& inner_;
  LlmCallLog& log_;
  CacheMode mode_;
};

}  // namespace kopt
