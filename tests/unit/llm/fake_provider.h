// SPDX-License-Identifier: Apache-2.0
// A Provider fake for unit tests: answers from a function and counts its calls.
#pragma once

#include "llm/provider.h"

#include <atomic>
#include <functional>

namespace kopt::testing {

class FakeProvider : public Provider {
 public:
  using Answer = std::function<CompletionResult(const CompletionRequest&)>;
  explicit FakeProvider(Answer answer, std::string name = "openai",
                        std::string model = "gpt-5-mini")
      : answer_(std::move(answer)), name_(std::move(name)), model_(std::move(model)) {}

  CompletionResult Complete(const CompletionRequest& request) override {
    ++calls_;
    return answer_(request);
  }
  const std::string& name() const override { return name_; }
  const std::string& model() const override { return model_; }
  int calls() const { return calls_; }

 private:
  Answer answer_;
  std::string name_;
  std::string model_;
  std::atomic<int> calls_{0};
};

/// A completion echoing the last message, with fixed usage.
inline CompletionResult EchoAnswer(const CompletionRequest& r) {
  Completion c;
  c.text = "echo: " + (r.messages.empty() ? std::string() : r.messages.back().content);
  c.finish_reason = "stop";
  c.input_tokens = 100;
  c.output_tokens = 50;
  c.cost_usd = 0.001;
  return c;
}

inline CompletionRequest UserRequest(std::string text, int sample = 0) {
  CompletionRequest r;
  r.messages = {{"system", "You optimize CUDA kernels."}, {"user", std::move(text)}};
  r.sample_index = sample;
  r.purpose = "plan";
  r.max_tokens = 1000;
  return r;
}

}  // namespace kopt::testing
