// SPDX-License-Identifier: Apache-2.0
// One evaluation of one job inside the GPU worker (private to evaluator/): correctness runs at
// every size and check seed, the input cases, an altered repeat and a drawn size
// (evaluation.cpp), then the timed runs on seeds no check used, every sample verified on the
// device (timed_run.cpp). Each run's evidence is judged by the check list (checks/checks.h).
// Throws CandidateFailure for the candidate's faults and kopt::Error for the rest.
#pragma once

#include "core/task.h"
#include "evaluator/worker/checks/checks.h"
#include "evaluator/worker/gpu_worker.h"
#include "evaluator/worker/kernel_runner.h"
#include "evaluator/worker/sample_timer.h"
#include "evaluator/worker/seed_plan.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kopt {

// Outputs (or workspace) of one run, each with the poison it held before the run.
struct PoisonedBuffers {
  std::vector<GuardedBuffer> buffers;
  std::vector<Poison> poisons;
};

class Evaluation {
 public:
  Evaluation(GpuWorker& worker, const EvalJob& job, const GpuWorker::Progress& progress)
      : w_(worker),
        job_(job),
        progress_(progress),
        task_(ParseTask(job.task_json, job.task_file)),
        stream_(worker.context_.stream()),
        runner_(task_, worker.device().limits, stream_) {}

  EvalResult Run();
  /// Where this evaluation's time went so far (also after a failure threw out of Run).
  const StageTimes& stages() const { return clock_.times(); }

  // The task's input cases, an input seen before with a few elements changed, then a size
  // drawn from its contract.
  void CheckBeyondTheNamedInputs(EvalResult& result);
  /// The first check size, then for each launch variant it does not choose the first size that
  /// does (check sizes before the main size): where the input cases and the altered repeat run,
  /// so that every variant meets them.
  std::vector<SymbolTable> SizesPerVariant() const;

  /// The reference alone on one size and seed: every input and output tensor, downloaded.
  std::vector<HostTensor> RunReferenceOnly(const SymbolTable& size, std::uint64_t seed);

 private:
  void AddFunctionResources(std::vector<KernelResources>& resources) const;

  // The task's inputs at `size` for `seed`; an input case draws some of them otherwise.
  std::map<std::string, GuardedBuffer> MakeInputs(const SymbolTable& size, std::uint64_t seed,
                                                  const InputCase* input_case = nullptr);

  std::uint64_t Checksum(const GuardedBuffer& buffer);

  std::map<std::string, std::uint64_t> Checksums(
      const std::map<std::string, GuardedBuffer>& inputs);

  // Every output of the task at `size`, poisoned with `salt`'s pattern and bound by name.
  PoisonedBuffers MakeOutputs(const SymbolTable& size, Bindings& bindings, std::uint64_t salt);

  PoisonedBuffers MakeWorkspace(const LaunchPlan& plan, Bindings& bindings, std::uint64_t salt);

  // Reference outputs for (size, seed, variant: an input case or altered inputs), computed once
  // per worker and cached as raw bytes. The reference is trusted, so it runs without checks.
  // Copy what you need before the next call: the cache may be cleared.
  const std::vector<std::vector<unsigned char>>& ReferenceOutputs(
      const SymbolTable& size, std::uint64_t seed,
      const std::map<std::string, GuardedBuffer>& inputs, const std::string& variant = "");

  // Guard zones and input checksums of one set of buffers, as the checks read them.
  void AddBufferEvidence(RunEvidence& run, const std::map<std::string, GuardedBuffer>& inputs,
                         const std::map<std::string, std::uint64_t>& checksums,
                         const PoisonedBuffers& outputs, const PoisonedBuffers& workspace,
                         const LaunchPlan& plan);

  void AddOutputEvidence(RunEvidence& run, const PoisonedBuffers& outputs,
                         const std::vector<std::vector<unsigned char>>& expected,
                         const SymbolTable& size);

  // What a run is for: the plain checks, an input case, or a size drawn from the contract. A
  // tolerance failure in the last two is theirs: the kernel is right only on benign inputs or
  // on the sizes the task names.
  enum class RunKind { kCheck, kInputCase, kDrawnSize, kAlteredRepeat };

  // Applies the check list; the first failure is the candidate's verdict.
  static void Judge(const RunEvidence& run, CheckRecord& record, RunKind kind = RunKind::kCheck);

  // An input case must give the reference finite outputs, or it tests nothing.
  void RequireFinite(const std::vector<std::vector<unsigned char>>& expected,
                     const InputCase& input_case);

  // A size from the task's contract, new for every evaluation: the first check size (else the
  // main one) with each ragged symbol drawn from half to one and a half times its value, on
  // its alignment. A kernel that special-cases the sizes the task names fails here.
  SymbolTable DrawRaggedSize();

  CheckRecord CheckOnce(const SymbolTable& size, std::uint64_t seed, const std::string& when,
                        RunKind kind = RunKind::kCheck, const InputCase* input_case = nullptr);

  // The first check's input again (the candidate has answered it), with elements at random
  // places replaced by another seed's, so values stay in the task's distribution. A kernel that
  // keys remembered answers on a fingerprint of its inputs answers the old input here. The
  // changes grow until the reference's answer moves beyond the tolerance, else the probe
  // would test nothing.
  CheckRecord CheckAlteredRepeat(const SymbolTable& size);

  // Copies `changes` elements (at places drawn for this evaluation) from `donor` into `target`;
  // returns the number of elements.
  std::uint64_t SpliceElements(GuardedBuffer& target, const GuardedBuffer& donor,
                               std::size_t element_bytes, std::uint64_t changes);

  // Whether two sets of reference outputs differ beyond the task's tolerance.
  bool OutputsDiffer(const std::vector<std::vector<unsigned char>>& a,
                     const std::vector<std::vector<unsigned char>>& b) const;

  CheckRecord CheckOn(const SymbolTable& size, std::uint64_t seed,
                      const std::map<std::string, GuardedBuffer>& inputs,
                      const std::vector<std::vector<unsigned char>>& expected,
                      const std::string& when, RunKind kind);

  // Input sets rotated while timing, on seeds no correctness check used. `expected` holds the
  // reference's outputs on the device, for verifying every timed sample.
  struct TimingSet {
    std::uint64_t seed = 0;
    std::map<std::string, GuardedBuffer> inputs;
    std::map<std::string, std::uint64_t> checksums;
    PoisonedBuffers ref_outputs, ref_workspace, cand_outputs, cand_workspace;
    std::vector<GuardedBuffer> expected;
    Bindings ref_bindings, cand_bindings;
  };

  int TimingSetCount() const;

  TimingSet MakeTimingSet(std::uint64_t seed, const LaunchPlan& ref_plan,
                          const LaunchPlan& cand_plan);

  // Before a timed sample: the candidate's outputs and workspace get a poison of their own.
  void RepoisonForSample(TimingSet& s, int sample);

  // After a timed sample: its outputs against the reference's, on the device. Two counters
  // (wrong, unwritten) per sample and output.
  void VerifySample(const TimingSet& s, int sample, const GuardedBuffer& counters, int max_samples);

  static TimedEvidence ReadCounters(const GuardedBuffer& counters, int samples,
                                    std::size_t outputs);

  SampleConfig TimingConfig() const;

  void Time(EvalResult& result);

  // Hardware counters of one run of the candidate's sequence, apart from timing.
  Profile ProfileCandidate(const Bindings& bindings, const LaunchPlan& plan,
                           const EvalResult& result);

  // Reads the flush buffer (twice L2): evicts the L2 lines the last run left, dirty ones
  // included, so the profiled run neither hits them nor pays for writing them back.
  void FlushCachesClean();

  // The vendor library on the same inputs, once per worker and task: first checked against the
  // reference (a baseline that computes something else would make every comparison a lie),
  // then timed like any kernel. It writes into the reference's output buffers.
  void TimeBaseline(std::vector<TimingSet>& sets);

  double MeasureSmClock();

  GpuWorker& w_;
  const EvalJob& job_;
  const GpuWorker::Progress& progress_;
  StageClock clock_;
  Task task_;
  CUstream stream_;
  KernelRunner runner_;
  LoadedKernel reference_;
  LoadedKernel candidate_;
  SeedPlan seeds_;
  std::uint64_t runs_ = 0;  // candidate runs so far: each gets a poison of its own
};

}  // namespace kopt
