// SPDX-License-Identifier: Apache-2.0
#include "llm/anthropic_provider.h"

#include "llm/http_errors.h"

namespace kopt {
namespace {

constexpr const char* kApiVersion = "2023-06-01";

std::string NormalFinish(const std::string& stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
  if (stop_reason == "max_tokens") return "length";
  if (stop_reason == "refusal") return "content_filter";
  return stop_reason;
}

}  // namespace

nlohmann::json AnthropicRequestBody(const CompletionRequest& request, const std::string& model) {
  std::string system;
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    if (m.role == "system") {
      system += (system.empty() ? "" : "\n\n") + m.content;
    } else {
      messages.push_back({{"role", m.role}, {"content", m.content}});
    }
  }
  nlohmann::json body = {
      {"model", model}, {"max_tokens", request.max_tokens}, {"messages", std::move(messages)}};
  if (!system.empty()) body["system"] = system;
  if (!request.reasoning_effort.empty()) {
    body["thinking"] = {{"type", "adaptive"}};
    body["output_config"] = {{"effort", request.reasoning_effort}};
  } else if (request.temperature) {
    body["temperature"] = *request.temperature;
  }
  return body;
}

CompletionResult ParseAnthropicAnswer(const nlohmann::json& answer) {
  auto bad = [](std::string why) { return LlmError{LlmErrorKind::kBadResponse, std::move(why)}; };
  auto content = answer.find("content");
  if (content == answer.end() || !content->is_array()) return bad("the answer has no content");
  Completion c;
  bool has_text = false;
  for (const auto& block : *content) {
    if (block.is_object() && StringField(block, "type") == "text" && block.contains("text") &&
        block["text"].is_string()) {
      c.text += block["text"].get<std::string>();
      has_text = true;
    }
  }
  c.finish_reason = NormalFinish(StringField(answer, "stop_reason"));
  if (!has_text && c.finish_reason != "length") {
    return bad("the answer has no text content (stop_reason '" + c.finish_reason + "')");
  }
  if (auto usage = answer.find("usage"); usage != answer.end() && usage->is_object()) {
    c.input_tokens = IntField(*usage, "input_tokens") +
                     IntField(*usage, "cache_creation_input_tokens") +
                     IntField(*usage, "cache_read_input_tokens");
    c.output_tokens = IntField(*usage, "output_tokens");
  }
  return c;
}

AnthropicProvider::AnthropicProvider(std::string model, std::string base_url, ApiKey key,
                                     ProviderOptions options)
    : HttpChatProvider("anthropic", std::move(model), std::move(base_url) + "/v1/messages",
                       std::move(key), std::move(options)) {}

std::vector<std::string> AnthropicProvider::Headers(const ApiKey& key) const {
  std::vector<std::string> headers = {std::string("anthropic-version: ") + kApiVersion};
  if (!key.value.empty()) headers.push_back("x-api-key: " + key.value);
  return headers;
}

nlohmann::json AnthropicProvider::Body(const CompletionRequest& request, const std::string& model) {
  return AnthropicRequestBody(request, model);
}

CompletionResult AnthropicProvider::Parse(const nlohmann::json& answer) {
  return ParseAnthropicAnswer(answer);
}

}  // namespace kopt
