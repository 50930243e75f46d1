// SPDX-License-Identifier: Apache-2.0
#include "llm/provider.h"

#include "core/error.h"
#include "core/secrets.h"

namespace kopt {

std::string_view ToString(LlmErrorKind kind) {
  switch (kind) {
    case LlmErrorKind::kRateLimited:
      return "rate_limited";
    case LlmErrorKind::kServer:
      return "server";
    case LlmErrorKind::kTimeout:
      return "timeout";
    case LlmErrorKind::kNetwork:
      return "network";
    case LlmErrorKind::kBadRequest:
      return "bad_request";
    case LlmErrorKind::kAuth:
      return "auth";
    case LlmErrorKind::kBadResponse:
      return "bad_response";
    case LlmErrorKind::kCommand:
      return "command";
    case LlmErrorKind::kBudget:
      return "budget";
    case LlmErrorKind::kCacheMiss:
      return "cache_miss";
  }
  return "unknown";
}

const Completion& CompletionResult::value() const {
  KOPT_CHECK(ok());
  return std::get<Completion>(value_);
}

Completion& CompletionResult::value() {
  KOPT_CHECK(ok());
  return std::get<Completion>(value_);
}

const LlmError& CompletionResult::error() const {
  KOPT_CHECK(!ok());
  return std::get<LlmError>(value_);
}

LlmError& CompletionResult::error() {
  KOPT_CHECK(!ok());
  return std::get<LlmError>(value_);
}

std::string ResolvedModel(const Provider& provider, const CompletionRequest& request) {
  return request.model.empty() ? provider.model() : request.model;
}

CompletionRequest WithoutSecrets(CompletionRequest request) {
  for (auto& m : request.messages) m.content = RedactSecrets(std::move(m.content));
  return request;
}

}  // namespace kopt
