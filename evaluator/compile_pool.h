// SPDX-License-Identifier: Apache-2.0
// Compiles on a fixed pool of threads (NVRTC is CPU work), so a batch of candidates compiles in
// parallel while the GPU evaluates earlier ones.
#pragma once

#include "evaluator/nvrtc_compiler.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace kopt {

class CompilePool {
 public:
  /// `threads` <= 0: one per hardware thread.
  CompilePool(const NvrtcCompiler& compiler, int threads = 0);
  ~CompilePool();
  CompilePool(const CompilePool&) = delete;
  CompilePool& operator=(const CompilePool&) = delete;

  /// The future rethrows a CudaError from the compiler; a compile error is a result.
  std::future<CompileOutput> Submit(CompileRequest request);

 private:
  void Work();

  const NvrtcCompiler& compiler_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kopt
