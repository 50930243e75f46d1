// SPDX-License-Identifier: Apache-2.0
#include "llm/openai_provider.h"

#include "llm/http_errors.h"
#include "llm/model_spec.h"

namespace kopt {
namespace {

std::string TextOf(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {  // content parts, as some servers send
    for (const auto& part : content) {
      if (part.is_object() && StringField(part, "type") == "text" && part.contains("text") &&
          part["text"].is_string()) {
        text += part["text"].get<std::string>();
      }
    }
  }
  return text;
}

}  // namespace

nlohmann::json OpenAiRequestBody(const CompletionRequest& request, const std::string& model,
                                 const std::string& max_tokens_field, bool send_temperature,
                                 bool send_reasoning_effort) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  nlohmann::json body = {{"model", model}, {"messages", std::move(messages)}};
  body[max_tokens_field] = request.max_tokens;
  if (request.temperature && send_temperature) body["temperature"] = *request.temperature;
  if (!request.reasoning_effort.empty() && send_reasoning_effort) {
    body["reasoning_effort"] = request.reasoning_effort;
  }
  return body;
}

CompletionResult ParseOpenAiAnswer(const nlohmann::json& answer) {
  auto bad = [](std::string why) { return LlmError{LlmErrorKind::kBadResponse, std::move(why)}; };
  auto choices = answer.find("choices");
  if (choices == answer.end() || !choices->is_array() || choices->empty()) {
    if (answer.contains("error")) {  // some servers report errors with a 200
      return bad("the answer has no choices but an error: " + ApiErrorMessage(DumpJson(answer)));
    }
    return bad("the answer has no choices");
  }
  const auto& choice = (*choices)[0];
  if (!choice.is_object()) return bad("choices[0] is not an object");
  Completion c;
  c.finish_reason = StringField(choice, "finish_reason");
  auto message = choice.find("message");
  bool has_content = message != choice.end() && message->is_object() &&
                     message->contains("content") && !(*message)["content"].is_null();
  if (has_content) c.text = TextOf((*message)["content"]);
  if (!has_content && c.finish_reason != "length") {
    return bad("choices[0] has no message content (finish_reason '" + c.finish_reason + "')");
  }
  if (auto usage = answer.find("usage"); usage != answer.end() && usage->is_object()) {
    c.input_tokens = IntField(*usage, "prompt_tokens");
    c.output_tokens = IntField(*usage, "completion_tokens");
    if (auto d = usage->find("completion_tokens_details"); d != usage->end() && d->is_object()) {
      c.reasoning_tokens = IntField(*d, "reasoning_tokens");
    }
  }
  return c;
}

OpenAiProvider::OpenAiProvider(std::string name, std::string model, const std::string& base_url,
                               ApiKey key, ProviderOptions options)
    : HttpChatProvider(std::move(name), std::move(model), base_url + "/chat/completions",
                       std::move(key), std::move(options)),
      max_tokens_field_(base_url == DefaultBaseUrl(ProviderKind::kOpenAi) ? "max_completion_tokens"
                                                                          : "max_tokens") {}

std::vector<std::string> OpenAiProvider::Headers(const ApiKey& key) const {
  if (key.value.empty()) return {};
  return {"Authorization: Bearer " + key.value};
}

nlohmann::json OpenAiProvider::Body(const CompletionRequest& request, const std::string& model) {
  std::lock_guard<std::mutex> lock(mu_);
  return OpenAiRequestBody(request, model, max_tokens_field_,
                           !dropped_.count(model + "\ttemperature"),
                           !dropped_.count(model + "\treasoning_effort"));
}

CompletionResult OpenAiProvider::Parse(const nlohmann::json& answer) {
  return ParseOpenAiAnswer(answer);
}

bool OpenAiProvider::DropRejectedParameter(const std::string& body,
                                           const CompletionRequest& request,
                                           const std::string& model) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error") || !j["error"].is_object()) {
    return false;
  }
  const auto& error = j["error"];
  std::string param = StringField(error, "param");
  bool carried = (param == "temperature" && request.temperature) ||
                 (param == "reasoning_effort" && !request.reasoning_effort.empty());
  if (!carried) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dropped_.insert(model + "\t" + param).second) return false;
  }
  Notice(name() + " " + model + " does not accept '" + param + "' (" +
         StringField(error, "message") + "); sending its requests without it");
  return true;
}

}  // namespace kopt
