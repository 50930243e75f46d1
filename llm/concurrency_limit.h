// SPDX-License-Identifier: Apache-2.0
// At most N calls of one provider in flight at once; the others wait their turn (FIFO is not
// promised). A slot is held for one attempt, not across a backoff wait.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace kopt {

class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(int limit) : free_(std::max(1, limit)) {}

  /// Holds one slot for its lifetime.
  class Slot {
   public:
    explicit Slot(ConcurrencyLimit& limit) : limit_(limit) { limit_.Acquire(); }
    ~Slot() { limit_.Release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConcurrencyLimit& limit_;
  };

 private:
  void Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return free_ > 0; });
    --free_;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace kopt
