// SPDX-License-Identifier: Apache-2.0
// Kernel durations from the CUPTI activity API: every kernel that ran between Start and Stop,
// on any stream, with its GPU start and end timestamps. Timing falls back to events alone when
// CUPTI is unavailable (another profiler attached, or KOPT_NO_CUPTI=1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kopt {

struct KernelSpan {
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
};

class CuptiKernelTimer {
 public:
  CuptiKernelTimer();
  ~CuptiKernelTimer();
  CuptiKernelTimer(const CuptiKernelTimer&) = delete;
  CuptiKernelTimer& operator=(const CuptiKernelTimer&) = delete;

  /// False (with `why()`) when CUPTI could not be set up; Start/Stop then do nothing.
  bool available() const { return available_; }
  const std::string& why() const { return why_; }

  void Start();
  /// Flushes and returns the kernels recorded since Start, in order of start time.
  std::vector<KernelSpan> Stop();

 private:
  bool available_ = false;
  bool running_ = false;
  std::string why_;
};

}  // namespace kopt
