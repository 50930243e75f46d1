// SPDX-License-Identifier: Apache-2.0
// The timed half of an evaluation: timing sets on seeds no check used, the reference, the vendor
// baseline and the candidate timed alike, every candidate sample re-poisoned before and verified
// on the device after, outside its events; then the roofline and the profile.
#include "core/roofline.h"
#include "evaluator/worker/builtin_kernels.h"
#include "evaluator/worker/cublas_baseline.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/cupti_profiler.h"
#include "evaluator/worker/evaluation.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace kopt {
namespace {

constexpr int kMaxTimingSets = 3;
constexpr std::uint64_t kTimedSaltBase = 1ull << 40;  // timed samples' poisons, apart from checks'

}  // namespace

int Evaluation::TimingSetCount() const {
  std::size_t set_bytes = 0;
  for (const auto& t : task_.tensors) {
    std::size_t bytes = ElementCount(TensorShape(t, task_.symbols)) * DTypeSize(t.dtype);
    set_bytes += t.role == TensorRole::kOutput ? 3 * bytes : bytes;
  }
  std::size_t free_bytes = 0, total = 0;
  Driver().cuMemGetInfo(&free_bytes, &total);
  auto fit = static_cast<int>(free_bytes / 3 / std::max<std::size_t>(set_bytes, 1));
  return std::clamp(std::min(fit, job_.options.seeds), 1, kMaxTimingSets);
}

Evaluation::TimingSet Evaluation::MakeTimingSet(std::uint64_t seed, const LaunchPlan& ref_plan,
                                                const LaunchPlan& cand_plan) {
  const SymbolTable& size = task_.symbols;
  TimingSet s;
  s.seed = seed;
  s.inputs = MakeInputs(size, seed);
  s.checksums = Checksums(s.inputs);
  for (const auto& [name, buffer] : s.inputs) {
    s.ref_bindings[name] = s.cand_bindings[name] = buffer.ptr();
  }
  s.ref_outputs = MakeOutputs(size, s.ref_bindings, seed);
  s.ref_workspace = MakeWorkspace(ref_plan, s.ref_bindings, seed);
  s.cand_outputs = MakeOutputs(size, s.cand_bindings, seeds_.poison_salt);
  s.cand_workspace = MakeWorkspace(cand_plan, s.cand_bindings, seeds_.poison_salt);
  for (const auto& bytes : ReferenceOutputs(size, seed, s.inputs)) {
    s.expected.emplace_back(bytes.size());
    KOPT_CU(Driver().cuMemcpyHtoD(s.expected.back().ptr(), bytes.data(), bytes.size()));
  }
  return s;
}

void Evaluation::RepoisonForSample(TimingSet& s, int sample) {
  std::uint64_t salt = seeds_.poison_salt + kTimedSaltBase + static_cast<std::uint64_t>(sample);
  for (std::size_t o = 0; o < s.cand_outputs.buffers.size(); ++o) {
    s.cand_outputs.poisons[o] = MakePoison(s.cand_outputs.poisons[o].dtype, salt);
    s.cand_outputs.buffers[o].Poison(s.cand_outputs.poisons[o], stream_);
  }
  for (std::size_t i = 0; i < s.cand_workspace.buffers.size(); ++i) {
    s.cand_workspace.poisons[i] = MakePoison(DType::kU8, salt);
    s.cand_workspace.buffers[i].Poison(s.cand_workspace.poisons[i], stream_);
  }
}

void Evaluation::VerifySample(const TimingSet& s, int sample, const GuardedBuffer& counters,
                              int max_samples) {
  if (sample >= max_samples) return;
  std::size_t outputs = s.cand_outputs.buffers.size();
  for (std::size_t o = 0; o < outputs; ++o) {
    const Poison& poison = s.cand_outputs.poisons[o];
    CUfunction verify = w_.builtins_->Find("kopt_verify_" + std::string(DTypeName(poison.dtype)));
    CUdeviceptr actual = s.cand_outputs.buffers[o].ptr(), expected = s.expected[o].ptr();
    std::uint64_t n = s.cand_outputs.buffers[o].bytes() / DTypeSize(poison.dtype);
    std::uint64_t bits = PoisonElementBits(poison);
    double rtol = task_.tolerance.rtol, atol = task_.tolerance.atol;
    CUdeviceptr slot = counters.ptr() +
                       (static_cast<std::size_t>(sample) * outputs + o) * 2 * sizeof(std::uint64_t);
    void* params[] = {&actual, &expected, &n, &bits, &rtol, &atol, &slot};
    auto blocks = static_cast<unsigned>(std::clamp<std::uint64_t>((n + 255) / 256, 1, 1024));
    KOPT_CU(Driver().cuLaunchKernel(verify, blocks, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
  }
}

TimedEvidence Evaluation::ReadCounters(const GuardedBuffer& counters, int samples,
                                       std::size_t outputs) {
  std::vector<unsigned char> bytes = counters.Download();
  TimedEvidence t;
  t.samples = static_cast<std::uint64_t>(samples);
  for (int s = 0; s < samples; ++s) {
    std::uint64_t wrong = 0, unwritten = 0;
    for (std::size_t o = 0; o < outputs; ++o) {
      std::uint64_t pair[2];
      std::memcpy(pair, bytes.data() + (static_cast<std::size_t>(s) * outputs + o) * 16, 16);
      wrong += pair[0];
      unwritten += pair[1];
    }
    if (wrong == 0) continue;
    ++t.bad_samples;
    t.wrong_elements += wrong;
    t.unwritten_elements += unwritten;
    if (t.first_bad_sample < 0) t.first_bad_sample = s;
  }
  return t;
}

SampleConfig Evaluation::TimingConfig() const {
  return SampleConfig{job_.options.noise_target, job_.options.max_timing_s,
                      job_.options.min_samples};
}

void Evaluation::Time(EvalResult& result) {
  progress_("preparing timing inputs");
  LaunchPlan ref_plan = runner_.Resolve(reference_, task_.symbols);
  LaunchPlan cand_plan = runner_.Resolve(candidate_, task_.symbols);
  std::vector<TimingSet> sets;
  for (std::uint64_t seed : seeds_.timing_seeds) {
    sets.push_back(MakeTimingSet(seed, ref_plan, cand_plan));
  }
  SampleConfig config = TimingConfig();
  auto ref_timing = w_.reference_timing_.find(job_.task_hash);
  if (ref_timing == w_.reference_timing_.end()) {
    auto measure = clock_.Measure("reference_timing");
    progress_("timing the reference");
    SampleRun run = TimeLaunchSequence(
        [&](int set) { runner_.Enqueue(reference_, ref_plan, sets[set].ref_bindings); },
        static_cast<int>(sets.size()), static_cast<int>(ref_plan.launches.size()), stream_,
        *w_.flush_, w_.cupti_.get(), config);
    ref_timing = w_.reference_timing_.emplace(job_.task_hash, run.timing).first;
  }
  if (task_.baseline) {
    auto measure = clock_.Measure("baseline");
    TimeBaseline(sets);
  }

  std::optional<StageClock::Scope> timing;  // ends before profiling, which has its own stage
  timing.emplace(clock_, "timing");
  progress_("timing the candidate");
  std::size_t outputs = sets.front().cand_outputs.buffers.size();
  GuardedBuffer counters(std::max<std::size_t>(
      static_cast<std::size_t>(config.max_samples) * outputs * 2 * sizeof(std::uint64_t), 16));
  KOPT_CU(Driver().cuMemsetD8(counters.ptr(), 0, counters.bytes()));
  SampleHooks hooks;
  hooks.before = [&](int set, int sample) { RepoisonForSample(sets[set], sample); };
  hooks.after = [&](int set, int sample) {
    VerifySample(sets[set], sample, counters, config.max_samples);
  };
  SampleRun run;
  try {
    run = TimeLaunchSequence(
        [&](int set) { runner_.Enqueue(candidate_, cand_plan, sets[set].cand_bindings); },
        static_cast<int>(sets.size()), static_cast<int>(cand_plan.launches.size()), stream_,
        *w_.flush_, w_.cupti_.get(), config, hooks);
    runner_.Synchronize(true, "timing");
  } catch (const CuResultError& e) {
    throw CandidateFailure{EvalStatus::kCrashed,
                           std::string("the kernel crashed while timed: ") + e.what(),
                           IsStickyError(e.code()), "crash"};
  }
  run.timing.sm_clock_mhz = MeasureSmClock();
  run.timing.launch_variant = VariantText(candidate_.block, cand_plan.variant);
  progress_("checking the timed runs");
  RunEvidence timed;
  timed.when = "timed runs (" + std::to_string(run.samples) + " runs on " +
               std::to_string(sets.size()) + " input sets no check used)";
  timed.tolerance = task_.tolerance;
  for (auto& s : sets) {
    AddBufferEvidence(timed, s.inputs, s.checksums, s.cand_outputs, s.cand_workspace, cand_plan);
  }
  timed.timed = ReadCounters(counters, std::min(run.samples, config.max_samples), outputs);
  CheckRecord unused;
  Judge(timed, unused);

  run.timing.seeds = seeds_.timing_seeds;
  run.timing.verified_samples = static_cast<int>(timed.timed->samples);
  result.timing = run.timing;
  result.reference_timing = ref_timing->second;
  result.speedup = CompareMedians(ref_timing->second.event_ms, run.timing.event_ms);
  if (auto baseline = w_.baseline_timing_.find(job_.task_hash);
      baseline != w_.baseline_timing_.end()) {
    result.baseline = baseline->second;
    result.baseline_speedup = CompareMedians(baseline->second.timing.event_ms, run.timing.event_ms);
  }
  result.roofline = ComputeRoofline(task_, run.timing, w_.peaks_);
  timing.reset();
  if (job_.options.profile != ProfileLevel::kNone) {
    auto measure = clock_.Measure("profile");
    while (sets.size() > 1) sets.pop_back();  // less memory for kernel replay to save
    result.profile = ProfileCandidate(sets[0].cand_bindings, cand_plan, result);
  }
}

Profile Evaluation::ProfileCandidate(const Bindings& bindings, const LaunchPlan& plan,
                                     const EvalResult& result) {
  progress_("profiling the candidate");
  std::vector<ProfiledLaunch> launches;
  for (const auto& l : plan.launches) {
    launches.push_back({l.kernel, candidate_.functions.at(l.kernel), l.grid, l.block, l.smem});
  }
  try {
    return w_.profiler_->Run(
        job_.options.profile, job_.options.profile_metrics, launches, result.compile.kernels,
        [&] { runner_.Enqueue(candidate_, plan, bindings); }, [&] { FlushCachesClean(); }, stream_);
  } catch (const CuResultError& e) {
    throw CandidateFailure{EvalStatus::kCrashed,
                           std::string("the kernel crashed while profiled: ") + e.what(),
                           IsStickyError(e.code()), "crash"};
  }
}

void Evaluation::FlushCachesClean() {
  CUfunction read = w_.builtins_->Find("kopt_peak_read");
  CUdeviceptr data = w_.flush_->ptr(), out = w_.flush_->ptr();
  std::uint64_t n4 = w_.flush_->bytes() / 16;
  void* params[] = {&data, &n4, &out};
  KOPT_CU(Driver().cuLaunchKernel(read, 1024, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
}

void Evaluation::TimeBaseline(std::vector<TimingSet>& sets) {
  if (w_.baseline_timing_.count(job_.task_hash)) return;
  progress_("checking the vendor baseline");
  const SymbolTable& size = task_.symbols;
  CublasLtGemm gemm(task_, size);
  TimingSet& first = sets.front();
  for (std::size_t o = 0; o < first.ref_outputs.buffers.size(); ++o) {
    first.ref_outputs.buffers[o].Poison(first.ref_outputs.poisons[o]);
  }
  gemm.Enqueue(first.ref_bindings, stream_);
  KOPT_CU(Driver().cuStreamSynchronize(stream_));
  RunEvidence run;
  run.when = gemm.name();
  run.tolerance = task_.tolerance;
  std::vector<std::vector<unsigned char>> expected =
      ReferenceOutputs(size, first.seed, first.inputs);
  AddOutputEvidence(run, first.ref_outputs, expected, size);
  CheckRecord unused;
  if (auto failure = ApplyRunChecks(run, unused)) {
    throw Error("the " + gemm.name() + " baseline of task " + task_.name +
                " disagrees with its reference; fix the task's \"baseline\" (transposition, "
                "epilogue, bias) or its tolerance: " +
                failure->message);
  }
  progress_("timing the vendor baseline");
  SampleRun timed =
      TimeLaunchSequence([&](int set) { gemm.Enqueue(sets[set].ref_bindings, stream_); },
                         static_cast<int>(sets.size()), /*launches=*/0, stream_, *w_.flush_,
                         w_.cupti_.get(), TimingConfig());
  w_.baseline_timing_.emplace(job_.task_hash, BaselineTiming{gemm.name(), timed.timing});
}

double Evaluation::MeasureSmClock() {
  GuardedBuffer out(16);
  CUfunction f = w_.builtins_->Find("kopt_clock");
  CUdeviceptr ptr = out.ptr();
  long long spin = 2'000'000;
  void* params[] = {&ptr, &spin};
  KOPT_CU(Driver().cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, stream_, params, nullptr));
  KOPT_CU(Driver().cuStreamSynchronize(stream_));
  std::vector<unsigned char> host = out.Download();
  std::uint64_t cycles, ns;
  std::memcpy(&cycles, host.data(), 8);
  std::memcpy(&ns, host.data() + 8, 8);
  return ns > 0 ? static_cast<double>(cycles) / static_cast<double>(ns) * 1000.0 : 0;
}

}  // namespace kopt
