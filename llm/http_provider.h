// SPDX-License-Identifier: Apache-2.0
// What the OpenAI-compatible and Anthropic providers share: one POST per attempt through a
// concurrency limit, retries with backoff, requests and typed errors with every known secret
// removed, and the cost from the price table. Subclasses say how to write the body and read the
// answer.
#pragma once

#include "llm/concurrency_limit.h"
#include "llm/http_client.h"
#include "llm/provider.h"
#include "llm/provider_options.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// An API key read from the environment (ResolveApiKey, which makes it one of the process's
/// secrets). It only ever goes into a request header.
struct ApiKey {
  std::string value;     // empty: no key is sent
  std::string variable;  // where it came from, for messages ("OPENAI_API_KEY")
};

class HttpChatProvider : public Provider {
 public:
  CompletionResult Complete(const CompletionRequest& request) final;
  const std::string& name() const final { return name_; }
  const std::string& model() const final { return model_; }

 protected:
  HttpChatProvider(std::string name, std::string model, std::string url, ApiKey key,
                   ProviderOptions options);

  /// Request headers for one attempt (the key included).
  virtual std::vector<std::string> Headers(const ApiKey& key) const = 0;
  /// The JSON body for one attempt.
  virtual nlohmann::json Body(const CompletionRequest& request, const std::string& model) = 0;
  /// Reads a 2xx answer into a completion (tokens, text, finish reason) or a bad_response.
  virtual CompletionResult Parse(const nlohmann::json& answer) = 0;
  /// (optional) defaults to false. True when the 400 answer `body` rejects a parameter that
  /// `request` carries and the subclass has stopped sending it for `model`, so the same attempt
  /// is sent again without it.
  virtual bool DropRejectedParameter(const std::string& body, const CompletionRequest& request,
                                     const std::string& model);

  void Notice(const std::string& line) const;

 private:
  CompletionResult Attempt(const CompletionRequest& request, const std::string& model);

  std::string name_;
  std::string model_;
  std::string url_;
  ApiKey key_;
  ProviderOptions options_;
  std::shared_ptr<const PriceTable> prices_;
  Backoff backoff_;
  ConcurrencyLimit limit_;
  HttpClient http_;
};

}  // namespace kopt
