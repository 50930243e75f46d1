// SPDX-License-Identifier: Apache-2.0
// kopt_fake_gpu: the kopt program with one part replaced, for the CPU end-to-end test of
// `kopt optimize`: candidates are "evaluated" by FakeEvaluator (fake_evaluator.h), whose result
// depends only on the candidate's source and tunables, on a device named "Fake GPU". Everything
// else (the command table, flags, store, LLM providers, search, output, exit codes) is kopt's own
// code, linked from kopt_cli. Built with the tests only, never installed. When
// KOPT_FAKE_EVALUATIONS names a file, each evaluation appends a line to it, so a test can count
// them across runs.
#include "cli/kopt_main.h"
#include "cli/optimize_evaluator.h"
#include "tests/support/fake_evaluator.h"

#include <cstdlib>
#include <fstream>
#include <memory>

namespace {

// FakeEvaluator, logged, and with a profile when one is asked for: as a GPU whose counters
// are unavailable answers.
class FakeGpuEvaluator : public kopt::testing::FakeEvaluator {
 public:
  kopt::EvalResult Evaluate(const kopt::EvalRequest& request) override {
    if (const char* log = std::getenv("KOPT_FAKE_EVALUATIONS")) {
      std::ofstream(log, std::ios::app)
          << request.candidate.key() << (request.options.sanitize ? " sanitize" : "") << "\n";
    }
    kopt::EvalResult result = FakeEvaluator::Evaluate(request);
    if (result.ok() && request.options.profile != kopt::ProfileLevel::kNone) {
      kopt::Profile profile;
      profile.level = request.options.profile;
      profile.unavailable = "unsupported";
      profile.note = "the fake GPU has no counters";
      result.profile = profile;
    }
    return result;
  }
};

class FakeGpu : public kopt::cli::OptimizeEvaluator {
 public:
  kopt::DeviceInfo Device() override {
    kopt::DeviceInfo info;
    info.name = "Fake GPU";  // the rest as an H100's, for the prompts and the menu's filter
    info.cc_major = 9;
    info.arch = "sm_90a";
    info.sm_count = 132;
    info.memory_bytes = std::int64_t{80} << 30;
    info.l2_bytes = std::int64_t{50} << 20;
    return info;
  }
  kopt::Evaluator& evaluator() override { return evaluator_; }
  double busy_s() const override { return 0; }
  kopt::CudaEvaluator* gpu() override { return nullptr; }

 private:
  FakeGpuEvaluator evaluator_;
};

}  // namespace

int main(int argc, char** argv) {
  return kopt::cli::Main(argc, argv,
                         [](const std::vector<int>&) { return std::make_unique<FakeGpu>(); });
}
