// SPDX-License-Identifier: Apache-2.0
// Anthropic Messages: POST {base}/v1/messages with x-api-key and anthropic-version. System
// messages go to the top-level "system"; a reasoning effort turns on adaptive thinking.
#pragma once

#include "llm/http_provider.h"

namespace kopt {

class AnthropicProvider : public HttpChatProvider {
 public:
  /// `base_url` like "https://api.anthropic.com" (without /v1).
  AnthropicProvider(std::string model, std::string base_url, ApiKey key, ProviderOptions options);

 protected:
  std::vector<std::string> Headers(const ApiKey& key) const override;
  nlohmann::json Body(const CompletionRequest& request, const std::string& model) override;
  CompletionResult Parse(const nlohmann::json& answer) override;
};

/// The Messages body (exposed for tests). With a reasoning effort: thinking {"type":"adaptive"}
/// and output_config {"effort": ...}, and no temperature (the API refuses both together).
nlohmann::json AnthropicRequestBody(const CompletionRequest& request, const std::string& model);

/// Reads a Messages answer (exposed for tests): the text blocks joined, stop_reason normalised
/// ("end_turn" -> "stop", "max_tokens" -> "length"), usage; bad_response when there is no text
/// and the answer was not cut by max_tokens.
CompletionResult ParseAnthropicAnswer(const nlohmann::json& answer);

}  // namespace kopt
