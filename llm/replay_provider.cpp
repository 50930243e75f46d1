// SPDX-License-Identifier: Apache-2.0
#include "llm/replay_provider.h"

#include "llm/cached_provider.h"

namespace kopt {

ReplayProvider::ReplayProvider(std::string provider, std::string model, LlmCallLog& log)
    : provider_(std::move(provider)), model_(std::move(model)), log_(log) {}

CompletionResult ReplayProvider::Complete(const CompletionRequest& request) {
  std::string model = ResolvedModel(*this, request);
  std::string key = LlmCacheKey(provider_, model, request);
  if (auto hit = log_.FindByCacheKey(key); hit && hit->error.empty()) return FromCallRecord(*hit);
  LlmError e;
  e.kind = LlmErrorKind::kCacheMiss;
  e.message = "replay has no recorded answer for " + provider_ + ":" + model + ", purpose '" +
              request.purpose + "', sample " + std::to_string(request.sample_index) +
              " (cache key " + key +
              "); replay answers only from the database: run with the model itself to make the "
              "call";
  return e;
}

}  // namespace kopt
