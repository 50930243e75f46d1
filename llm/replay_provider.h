// SPDX-License-Identifier: Apache-2.0
// Replay: answers only from the call log, never from the network. A request that was never
// recorded is a cache_miss error naming the provider, model, purpose, sample and key.
#pragma once

#include "core/llm_call.h"
#include "llm/provider.h"

namespace kopt {

class ReplayProvider : public Provider {
 public:
  /// Replays the calls recorded for `provider` (for example "openai") and `model`.
  ReplayProvider(std::string provider, std::string model, LlmCallLog& log);

  CompletionResult Complete(const CompletionRequest& request) override;
  const std::string& name() const override { return provider_; }
  const std::string& model() const override { return model_; }

 private:
  std::string provider_;
  std::string model_;
  LlmCallLog& log_;
};

}  // namespace kopt
