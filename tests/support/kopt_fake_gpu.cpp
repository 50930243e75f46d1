// SPDX-License-Identifier: Apache-2.0
// kopt_fake_gpu: the kopt program with one part replaced, for the CPU end-to-end test of
// `kopt optimize`: candidates are "evaluated" by FakeEvaluator (fake_evaluator.h), whose result
// depends only on the candidate's source and tunables, on a device named "Fake GPU". Everything
// else (the command table, flags, store, LLM providers, search, output, exit codes) is kopt's own
// code, linked from kopt_cli. Built with the tests only, never installed. When
// KOPT_FAKE_EVALUATIONS names a file, each evaluation appends a line to it, so a test can count
// them across runs. With `--gpus` naming several, each GPU is a fake of its own behind kopt's
// GpuPool, and the log line names it.
#include "cli/kopt_main.h"
#include "cli/optimize_evaluator.h"
#include "evaluator/gpu_pool.h"
#include "tests/support/fake_evaluator.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

// FakeEvaluator, logged, and with a profile when one is asked for: as a GPU whose counters
// are unavailable answers.
class FakeGpuEvaluator : public kopt::testing::FakeEvaluator {
 public:
  /// `gpu` >= 0: one of several fake GPUs, named in the log line.
  explicit FakeGpuEvaluator(int gpu = -1) : gpu_(gpu) {}
  kopt::EvalResult Evaluate(const kopt::EvalRequest& request) override {
    auto start = std::chrono::steady_clock::now();
    if (const char* log = std::getenv("KOPT_FAKE_EVALUATIONS")) {
      std::lock_guard<std::mutex> lock(LogMutex());
      std::ofstream(log, std::ios::app)
          << request.candidate.key() << (request.options.sanitize ? " sanitize" : "")
          << (gpu_ >= 0 ? " gpu " + std::to_string(gpu_) : "") << "\n";
    }
    kopt::EvalResult result = FakeEvaluator::Evaluate(request);
    if (result.ok() && request.options.profile != kopt::ProfileLevel::kNone) {
      kopt::Profile profile;
      profile.level = request.options.profile;
      profile.unavailable = "unsupported";
      profile.note = "the fake GPU has no counters";
      result.profile = profile;
    }
    busy_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  std::atomic<double> busy_s{0};

 private:
  static std::mutex& LogMutex() {
    static std::mutex m;
    return m;
  }
  int gpu_;
};

kopt::DeviceInfo FakeDevice() {
  kopt::DeviceInfo info;
  info.name = "Fake GPU";  // the rest as an H100's, for the prompts and the menu's filter
  info.cc_major = 9;
  info.arch = "sm_90a";
  info.sm_count = 132;
  info.memory_bytes = std::int64_t{80} << 30;
  info.l2_bytes = std::int64_t{50} << 20;
  return info;
}

class FakeGpu : public kopt::cli::OptimizeEvaluator {
 public:
  kopt::DeviceInfo Device() override { return FakeDevice(); }
  kopt::Evaluator& evaluator() override { return evaluator_; }
  double busy_s() const override { return 0; }
  kopt::CudaEvaluator* gpu() override { return nullptr; }

 private:
  FakeGpuEvaluator evaluator_;
};

// `--gpus` with several: one fake per GPU behind kopt's own GpuPool, as MakeGpuEvaluator puts
// CudaEvaluators behind it.
class FakeGpus : public kopt::cli::OptimizeEvaluator {
 public:
  explicit FakeGpus(const std::vector<int>& gpus) : gpus_(gpus) {
    std::vector<kopt::GpuPool::Gpu> pool;
    for (int g : gpus) {
      auto fake = std::make_unique<FakeGpuEvaluator>(g);
      fakes_.push_back(fake.get());
      pool.push_back({g, std::move(fake)});
    }
    pool_ = std::make_unique<kopt::GpuPool>(std::move(pool));
  }
  kopt::DeviceInfo Device() override { return FakeDevice(); }
  kopt::Evaluator& evaluator() override { return *pool_; }
  double busy_s() const override {
    double busy = 0;
    for (const auto* f : fakes_) busy += f->busy_s;
    return busy;
  }
  std::vector<double> busy_per_gpu_s() const override {
    std::vector<double> busy;
    for (const auto* f : fakes_) busy.push_back(f->busy_s);
    return busy;
  }
  kopt::CudaEvaluator* gpu() override { return nullptr; }
  std::vector<int> gpus() const override { return gpus_; }

 private:
  std::vector<int> gpus_;
  std::vector<FakeGpuEvaluator*> fakes_;  // owned by pool_
  std::unique_ptr<kopt::GpuPool> pool_;
};

}  // namespace

int main(int argc, char** argv) {
  return kopt::cli::Main(
      argc, argv,
      [](const std::vector<int>& gpus) -> std::unique_ptr<kopt::cli::OptimizeEvaluator> {
        if (gpus.size() > 1) return std::make_unique<FakeGpus>(gpus);
        return std::make_unique<FakeGpu>();
      });
}
