// SPDX-License-Identifier: Apache-2.0
// An in-memory LlmCallLog for tests: the seam the SQLite store implements.
#pragma once

#include "core/llm_call.h"

#include <mutex>
#include <vector>

namespace kopt::testing {

class MemoryCallLog : public LlmCallLog {
 public:
  std::optional<LlmCallRecord> FindByCacheKey(const std::string& cache_key) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      if (it->cache_key == cache_key && it->error.empty()) return *it;
    }
    return std::nullopt;
  }
  void Record(const LlmCallRecord& call) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back(call);
  }
  std::vector<LlmCallRecord> records() const {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<LlmCallRecord> records_;
};

}  // namespace kopt::testing
