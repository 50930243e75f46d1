// SPDX-License-Identifier: Apache-2.0
#include "evaluator/compile_pool.h"

#include <memory>

namespace kopt {

CompilePool::CompilePool(const NvrtcCompiler& compiler, int threads) : compiler_(compiler) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

CompilePool::~CompilePool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

std::future<CompileOutput> CompilePool::Submit(CompileRequest request) {
  auto task = std::make_shared<std::packaged_task<CompileOutput()>>(
      [this, request = std::move(request)] { return compiler_.Compile(request); });
  std::future<CompileOutput> result = task->get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back([task] { (*task)(); });
  }
  wake_.notify_one();
  return result;
}

void CompilePool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace kopt
