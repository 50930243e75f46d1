// SPDX-License-Identifier: Apache-2.0
#include "llm/http_provider.h"

#include "core/secrets.h"
#include "llm/http_errors.h"

namespace kopt {

HttpChatProvider::HttpChatProvider(std::string name, std::string model, std::string url, ApiKey key,
                                   ProviderOptions options)
    : name_(std::move(name)),
      model_(std::move(model)),
      url_(std::move(url)),
      key_(std::move(key)),
      options_(std::move(options)),
      prices_(options_.prices ? options_.prices
                              : std::make_shared<const PriceTable>(PriceTable::BuiltIn())),
      backoff_(options_.retry),
      limit_(options_.max_concurrency) {}

bool HttpChatProvider::DropRejectedParameter(const std::string&, const CompletionRequest&,
                                             const std::string&) {
  return false;
}

void HttpChatProvider::Notice(const std::string& line) const {
  if (options_.notice) options_.notice(RedactSecrets(line));
}

CompletionResult HttpChatProvider::Complete(const CompletionRequest& request) {
  std::string model = ResolvedModel(*this, request);
  if (request.messages.empty()) {
    return LlmError{LlmErrorKind::kBadRequest, "the request has no messages"};
  }
  CompletionRequest sent = WithoutSecrets(request);
  NoticeSink notice;
  if (options_.notice) notice = [this](const std::string& line) { Notice(line); };
  return RunWithRetries(
      options_.retry, backoff_, [&](int) { return Attempt(sent, model); }, name_ + " " + model,
      notice);
}

CompletionResult HttpChatProvider::Attempt(const CompletionRequest& request,
                                           const std::string& model) {
  for (;;) {
    HttpRequest http;
    http.url = url_;
    http.headers = Headers(key_);
    http.body = DumpJson(Body(request, model));
    http.connect_timeout_s = options_.connect_timeout_s;
    http.timeout_s = options_.timeout_s;
    http.max_response_bytes = options_.max_response_bytes;
    HttpResponse response;
    {
      ConcurrencyLimit::Slot slot(limit_);
      response = http_.Perform(std::move(http));
    }
    if (response.failure == HttpResponse::Failure::kNone && response.status == 400 &&
        DropRejectedParameter(response.body, request, model)) {
      continue;
    }
    if (auto error = HttpFailureToError(response, url_)) {
      if (url_.find("/v1/v1/") != std::string::npos) {
        error->message +=
            " (the URL says /v1 twice: kopt adds the API's path to the base URL, so "
            "give the base URL without its /v1)";
      }
      if (error->kind == LlmErrorKind::kAuth) {
        error->message += key_.value.empty()
                              ? " (no API key was sent; name its variable with --api-key-env)"
                              : " (the key comes from $" + key_.variable + ")";
      }
      error->message = RedactSecrets(std::move(error->message));
      return *error;
    }
    auto json = ParseJsonAnswer(response);
    if (auto* e = std::get_if<LlmError>(&json)) {
      e->message = RedactSecrets(e->message + " (" + url_ + ")");
      return *e;
    }
    CompletionResult result = Parse(std::get<nlohmann::json>(json));
    if (!result.ok()) {
      result.error().http_status = static_cast<int>(response.status);
      result.error().message = RedactSecrets(result.error().message + " (" + url_ + ")");
      return result;
    }
    Completion& c = result.value();
    c.cost_usd = prices_->CostUsd(name_, model, c.input_tokens, c.output_tokens);
    if (c.finish_reason == "length") {
      // Recorded as such with the call; said here too, as a cut-off answer is paid for in full.
      Notice("warning: " + name_ + " " + model + " stopped at the output limit of " +
             std::to_string(request.max_tokens) + " tokens" +
             (request.purpose.empty() ? "" : " (" + request.purpose + ")") +
             ": the answer is cut off; raise --max-tokens if this repeats");
    }
    return result;
  }
}

}  // namespace kopt
