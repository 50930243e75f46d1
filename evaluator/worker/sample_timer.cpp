// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/sample_timer.h"

#include "evaluator/worker/cuda_driver.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace kopt {
namespace {

constexpr double kWarmupMs = 25;
constexpr int kMaxWarmupRuns = 200;
constexpr double kRoundMs = 10;  // GPU time queued between host synchronisations
constexpr int kMaxRound = 256;

class EventPair {
 public:
  EventPair() {
    KOPT_CU(Driver().cuEventCreate(&start_, CU_EVENT_DEFAULT));
    KOPT_CU(Driver().cuEventCreate(&stop_, CU_EVENT_DEFAULT));
  }
  ~EventPair() {
    Driver().cuEventDestroy(start_);
    Driver().cuEventDestroy(stop_);
  }
  EventPair(const EventPair&) = delete;
  EventPair& operator=(const EventPair&) = delete;
  CUevent start() const { return start_; }
  CUevent stop() const { return stop_; }
  double ElapsedMs() const {
    float ms = 0;
    KOPT_CU(Driver().cuEventElapsedTime(&ms, start_, stop_));
    return ms;
  }

 private:
  CUevent start_ = nullptr;
  CUevent stop_ = nullptr;
};

void Flush(const GuardedBuffer& flush, CUstream stream) {
  KOPT_CU(Driver().cuMemsetD32Async(flush.ptr(), 0x5A5A5A5Au, flush.bytes() / 4, stream));
}

}  // namespace

SampleRun TimeLaunchSequence(const std::function<void(int)>& enqueue, int sets, int launches,
                             CUstream stream, const GuardedBuffer& flush, CuptiKernelTimer* cupti,
                             const SampleConfig& config, const SampleHooks& hooks) {
  const DriverApi& cu = Driver();
  if (cupti) cupti->Start();
  // Warm-up: clocks ramp up, caches of the driver fill, CUPTI's first-launch cost is paid.
  int warmup_runs = 0;
  double warmup_ms = 0, estimate_ms = 0;
  EventPair warm;
  while (warmup_runs < kMaxWarmupRuns && (warmup_runs < 2 || warmup_ms < kWarmupMs)) {
    Flush(flush, stream);
    KOPT_CU(cu.cuEventRecord(warm.start(), stream));
    enqueue(warmup_runs % sets);
    KOPT_CU(cu.cuEventRecord(warm.stop(), stream));
    KOPT_CU(cu.cuEventSynchronize(warm.stop()));
    estimate_ms = warm.ElapsedMs();
    warmup_ms += estimate_ms;
    ++warmup_runs;
  }

  int round = std::clamp(static_cast<int>(kRoundMs / std::max(estimate_ms, 1e-3)), 1, kMaxRound);
  std::vector<EventPair> events(static_cast<std::size_t>(round));
  std::vector<double> samples;
  double sampled_ms = 0;
  auto wall_start = std::chrono::steady_clock::now();
  int next_set = 0;
  SampleRun out;
  for (;;) {
    int count = std::min(round, config.max_samples - static_cast<int>(samples.size()));
    for (int i = 0; i < count; ++i) {
      int sample = static_cast<int>(samples.size()) + i;
      if (hooks.before) hooks.before(next_set, sample);
      Flush(flush, stream);
      KOPT_CU(cu.cuEventRecord(events[i].start(), stream));
      out.last_set = next_set;
      enqueue(next_set);
      KOPT_CU(cu.cuEventRecord(events[i].stop(), stream));
      if (hooks.after) hooks.after(next_set, sample);
      next_set = (next_set + 1) % sets;
    }
    KOPT_CU(cu.cuEventSynchronize(events[count - 1].stop()));
    for (int i = 0; i < count; ++i) {
      samples.push_back(events[i].ElapsedMs());
      sampled_ms += samples.back();
    }
    Summary summary = Summarize(samples);
    double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    bool settled = static_cast<int>(samples.size()) >= config.min_samples &&
                   RelativeMedianError(summary) <= config.noise_target;
    bool capped = sampled_ms >= config.max_timing_s * 1000 || wall_s >= 3 * config.max_timing_s ||
                  static_cast<int>(samples.size()) >= config.max_samples;
    // A slow kernel may hit the cap first; it still gets a few samples.
    if (settled || (capped && samples.size() >= 3)) {
      out.timing.event_ms = summary;
      break;
    }
  }
  out.timing.input_sets = sets;
  out.samples = static_cast<int>(samples.size());

  if (cupti && cupti->available()) {
    std::vector<KernelSpan> spans = cupti->Stop();
    std::size_t runs = static_cast<std::size_t>(warmup_runs) + samples.size();
    if (launches == 0 && spans.size() % runs == 0) launches = static_cast<int>(spans.size() / runs);
    std::size_t skip = static_cast<std::size_t>(warmup_runs) * launches;
    std::size_t expected = samples.size() * static_cast<std::size_t>(launches);
    if (launches > 0 && spans.size() == skip + expected) {
      std::vector<double> kernel_ms;
      for (std::size_t s = 0; s < samples.size(); ++s) {
        double ns = 0;
        for (int l = 0; l < launches; ++l) {
          const KernelSpan& k = spans[skip + s * launches + l];
          ns += static_cast<double>(k.end_ns - k.start_ns);
        }
        kernel_ms.push_back(ns / 1e6);
      }
      out.timing.kernel_ms = Summarize(kernel_ms);
    }
  }
  return out;
}

}  // namespace kopt
