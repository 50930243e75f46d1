// SPDX-License-Identifier: Apache-2.0
#include "results/llm_call_log.h"

namespace kopt {

StoreLlmCallLog::StoreLlmCallLog(Store& store, LlmCallContext context)
    : store_(store), context_(std::move(context)) {}

std::optional<LlmCallRecord> StoreLlmCallLog::FindByCacheKey(const std::string& cache_key) {
  return store_.FindLlmCall(cache_key);
}

void StoreLlmCallLog::Record(const LlmCallRecord& call) {
  LlmCallContext context = context_;
  if (context.purpose.empty()) context.purpose = call.purpose;
  store_.RecordLlmCall(call, context);
}

}  // namespace kopt
