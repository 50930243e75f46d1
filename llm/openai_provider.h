// SPDX-License-Identifier: Apache-2.0
// OpenAI chat completions: POST {base}/chat/completions. Works against OpenAI and any server that
// speaks the API (vLLM, SGLang, Ollama, llama.cpp server, OpenRouter, ...).
#pragma once

#include "llm/http_provider.h"

#include <mutex>
#include <set>

namespace kopt {

class OpenAiProvider : public HttpChatProvider {
 public:
  /// `name` is "openai" or "openrouter"; `base_url` like "https://api.openai.com/v1".
  OpenAiProvider(std::string name, std::string model, const std::string& base_url, ApiKey key,
                 ProviderOptions options);

 protected:
  std::vector<std::string> Headers(const ApiKey& key) const override;
  nlohmann::json Body(const CompletionRequest& request, const std::string& model) override;
  CompletionResult Parse(const nlohmann::json& answer) override;
  bool DropRejectedParameter(const std::string& body, const CompletionRequest& request,
                             const std::string& model) override;

 private:
  // OpenAI's own reasoning models take only max_completion_tokens; other servers know
  // max_tokens.
  std::string max_tokens_field_;
  std::mutex mu_;
  std::set<std::string> dropped_;  // "model\ttemperature": parameters a model has rejected
};

/// The chat-completions body (exposed for tests). Unset optional parameters are not sent.
nlohmann::json OpenAiRequestBody(const CompletionRequest& request, const std::string& model,
                                 const std::string& max_tokens_field, bool send_temperature,
                                 bool send_reasoning_effort);

/// Reads a chat-completions answer (exposed for tests): the first choice's text and finish
/// reason and the usage, or a bad_response when there is no choice or no content.
CompletionResult ParseOpenAiAnswer(const nlohmann::json& answer);

}  // namespace kopt
