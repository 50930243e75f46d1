// SPDX-License-Identifier: Apache-2.0
// core's LlmCallLog seam backed by the store: the provider layer's response cache and call
// record. One StoreLlmCallLog per (run, task, purpose); they may share one Store across threads.
#pragma once

#include "core/llm_call.h"
#include "results/store.h"

namespace kopt {

class StoreLlmCallLog : public LlmCallLog {
 public:
  /// `store` must outlive this log. `context` is stored with every call Record() writes; an
  /// empty purpose there means each call's own.
  StoreLlmCallLog(Store& store, LlmCallContext context);

  /// Only successful calls (empty `error`) are found; the newest when there are several.
  std::optional<LlmCallRecord> FindByCacheKey(const std::string& cache_key) override;
  /// Committed before it returns.
  void Record(const LlmCallRecord& call) override;

  const LlmCallContext& context() const { return context_; }

 private:
  Store& store_;
  LlmCallContext context_;
};

}  // namespace kopt
