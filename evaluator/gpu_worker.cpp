// SPDX-License-Identifier: Apache-2.0
#include "evaluator/gpu_worker.h"

#include "core/compare.h"
#include "core/host_values.h"
#include "core/roofline.h"
#include "evaluator/builtin_kernels.h"
#include "evaluator/cublas_baseline.h"
#include "evaluator/cuda_driver.h"
#include "evaluator/cupti_kernel_timer.h"
#include "evaluator/cupti_profiler.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/peak_cache.h"
#include "evaluator/sample_timer.h"

#include <algorithm>
#include <cstdio>

namespace kopt {
namespace {

constexpr std::size_t kReferenceCacheBytes = std::size_t{8} << 30;
constexpr std::uint32_t kDefaultDynamicSmem = 48 * 1024;
constexpr int kMaxTimingSets = 3;

// A candidate's failure, thrown inside an evaluation and turned into its result.
struct CandidateFailure {
  EvalStatus status;
  std::string message;
  bool restart = false;
};

using Bindings = std::map<std::string, CUdeviceptr, std::less<>>;

std::string SizeText(const SymbolTable& symbols) {
  std::string out;
  for (const auto& [name, value] : symbols) {
    out += (out.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  return out;
}

std::string Dims(const std::array<std::uint32_t, 3>& d) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]);
}

KernelArgs BuildArgs(const ResolvedLaunch& launch, const Bindings& buffers) {
  KernelArgs args;
  args.storage.resize(launch.args.size());
  for (std::size_t i = 0; i < launch.args.size(); ++i) {
    const LaunchArg& a = launch.args[i];
    switch (a.kind) {
      case LaunchArg::Kind::kTensor:
      case LaunchArg::Kind::kWorkspace:
        args.storage[i] = buffers.at(a.name);
        break;
      case LaunchArg::Kind::kInt32: {
        auto v = static_cast<std::int32_t>(a.int_value);
        std::memcpy(&args.storage[i], &v, 4);
        break;
      }
      case LaunchArg::Kind::kInt64:
        std::memcpy(&args.storage[i], &a.int_value, 8);
        break;
      case LaunchArg::Kind::kScalar:
        args.storage[i] = ScalarBits(a.scalar_dtype, a.scalar_value);
        break;
    }
  }
  for (auto& slot : args.storage) args.pointers.push_back(&slot);
  return args;
}

// A kernel (reference or candidate) ready to run: module, launch block, functions.
struct Loaded {
  std::unique_ptr<Module> module;
  LaunchBlock block;
  TunableChoice tunables;
  std::map<std::string, CUfunction> functions;
  std::string file;
};

}  // namespace

// One evaluation of one job. Holds the job's buffers and modules; throws CandidateFailure for
// the candidate's faults and kopt::Error for the rest.
class Evaluation {
 public:
  Evaluation(GpuWorker& worker, const EvalJob& job, const GpuWorker::Progress& progress)
      : w_(worker),
        job_(job),
        progress_(progress),
        task_(ParseTask(job.task_json, job.task_file)),
        stream_(worker.context_.stream()),
        limits_(worker.device().limits) {}

  EvalResult Run() {
    EvalResult result;
    result.device = w_.device().name;
    result.compile.kernels = job_.candidate.resources;
    progress_("loading the reference");
    reference_ = Load(job_.reference, /*is_candidate=*/false);
    progress_("loading the candidate");
    candidate_ = Load(job_.candidate, /*is_candidate=*/true);
    AddFunctionResources(result.compile.kernels);

    std::vector<SymbolTable> sizes = task_.AllSizes();
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      for (int k = 0; k < job_.options.seeds; ++k) {
        std::uint64_t seed = job_.options.base_seed + static_cast<std::uint64_t>(k);
        progress_("correctness check, seed " + std::to_string(k) + ", size " + SizeText(sizes[s]));
        result.checks.push_back(CheckOnce(sizes[s], seed));
      }
    }
    if (job_.options.time) Time(result);
    result.status = EvalStatus::kCorrect;
    result.message = "correct on " + std::to_string(result.checks.size()) + " checks (" +
                     std::to_string(job_.options.seeds) + " seeds x " +
                     std::to_string(sizes.size()) + " sizes)";
    return result;
  }

  /// The reference alone on one size and seed: every input and output tensor, downloaded.
  std::vector<HostTensor> RunReferenceOnly(const SymbolTable& size, std::uint64_t seed) {
    progress_("loading the reference");
    reference_ = Load(job_.reference, /*is_candidate=*/false);
    progress_("running the reference, size " + SizeText(size));
    std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed);
    const auto& outputs = ReferenceOutputs(size, seed, inputs);
    std::vector<HostTensor> tensors;
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      HostTensor h{t.name, t.dtype, t.role, TensorShape(t, size), {}};
      std::vector<unsigned char> bytes =
          t.role == TensorRole::kInput ? inputs.at(t.name).Download() : outputs[o++];
      h.bytes.assign(bytes.begin(), bytes.end());
      tensors.push_back(std::move(h));
    }
    return tensors;
  }

 private:
  Loaded Load(const KernelBinary& binary, bool is_candidate) {
    Loaded out;
    out.file = binary.file;
    out.tunables = binary.tunables;
    auto fail = [&](EvalStatus status, const std::string& message) -> CandidateFailure {
      if (!is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
      return CandidateFailure{status, message};
    };
    try {
      out.block = ParseLaunchBlock(binary.source, binary.file);
    } catch (const ConfigError& e) {
      throw fail(EvalStatus::kLaunchError, e.what());
    }
    try {
      out.module = std::make_unique<Module>(binary.cubin);
    } catch (const CuResultError& e) {
      throw fail(EvalStatus::kLaunchError,
                 std::string("the driver rejected the cubin: ") + e.what());
    }
    for (const auto& launch : out.block.launches) {
      if (out.functions.count(launch.kernel)) continue;
      CUfunction f = out.module->Find(launch.kernel);
      if (!f) {
        throw fail(EvalStatus::kLaunchError,
                   binary.file + ": no kernel named '" + launch.kernel +
                       "' in the compiled module; declare it extern \"C\" __global__ so its name "
                       "is not mangled");
      }
      out.functions[launch.kernel] = f;
    }
    return out;
  }

  void AddFunctionResources(std::vector<KernelResources>& resources) const {
    for (const auto& [name, f] : candidate_.functions) {
      auto it = std::find_if(resources.begin(), resources.end(),
                             [&](const KernelResources& r) { return r.kernel == name; });
      if (it == resources.end()) {
        resources.push_back(KernelResources{name});
        it = std::prev(resources.end());
      }
      int value = 0;
      if (Driver().cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_NUM_REGS, f) == CUDA_SUCCESS) {
        it->registers = value;
      }
      if (Driver().cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, f) ==
          CUDA_SUCCESS) {
        it->local_bytes = value;
      }
      if (Driver().cuFuncGetAttribute(&value, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, f) ==
          CUDA_SUCCESS) {
        it->static_smem_bytes = value;
      }
    }
  }

  LaunchPlan Resolve(const Loaded& k, const SymbolTable& size, bool is_candidate) {
    LaunchPlan plan;
    try {
      plan = ResolveLaunchBlock(k.block, task_, size, k.tunables, limits_);
    } catch (const ConfigError& e) {
      std::string message = k.file + ": " + e.what() + " (size " + SizeText(size) + ")";
      if (!is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
      throw CandidateFailure{EvalStatus::kLaunchError, message};
    }
    for (std::size_t i = 0; i < plan.launches.size(); ++i) {
      const ResolvedLaunch& l = plan.launches[i];
      if (l.smem <= kDefaultDynamicSmem) continue;
      CUresult r = Driver().cuFuncSetAttribute(k.functions.at(l.kernel),
                                               CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                               static_cast<int>(l.smem));
      if (r != CUDA_SUCCESS) {
        std::string message = "launch[" + std::to_string(i) + "] (" + l.kernel +
                              "): cannot allow " + std::to_string(l.smem) +
                              " bytes of dynamic shared memory: " + DescribeCuResult(r);
        if (!is_candidate) throw Error(message);
        throw CandidateFailure{EvalStatus::kLaunchError, message};
      }
    }
    return plan;
  }

  // Enqueues every launch of `plan`; a candidate's failed launch becomes its status.
  void Enqueue(const Loaded& k, const LaunchPlan& plan, const Bindings& buffers,
               bool is_candidate) {
    for (std::size_t i = 0; i < plan.launches.size(); ++i) {
      const ResolvedLaunch& l = plan.launches[i];
      KernelArgs args = BuildArgs(l, buffers);
      CUresult r = Launch(k.functions.at(l.kernel), l, args, stream_);
      if (r == CUDA_SUCCESS) continue;
      std::string message = "launch[" + std::to_string(i) + "] (kernel " + l.kernel + ", grid " +
                            Dims(l.grid) + ", block " + Dims(l.block) + ", " +
                            std::to_string(l.smem) +
                            " bytes dynamic shared memory) failed: " + DescribeCuResult(r);
      if (r == CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES) {
        message += "; the block needs more registers or shared memory than an SM has";
      }
      if (!is_candidate) throw Error("the reference kernel of " + task_.name + ": " + message);
      throw CandidateFailure{IsStickyError(r) ? EvalStatus::kCrashed : EvalStatus::kLaunchError,
                             message, IsStickyError(r)};
    }
  }

  void Synchronize(bool is_candidate, const std::string& what) {
    CUresult r = Driver().cuStreamSynchronize(stream_);
    if (r == CUDA_SUCCESS) return;
    std::string message = what + ": " + DescribeCuResult(r);
    if (r == CUDA_ERROR_ILLEGAL_ADDRESS) message += " (an out-of-bounds or wild pointer access)";
    if (!is_candidate) throw Error("the reference kernel of " + task_.name + " failed: " + message);
    throw CandidateFailure{EvalStatus::kCrashed, "the kernel crashed during " + message,
                           IsStickyError(r)};
  }

  std::map<std::string, GuardedBuffer> MakeInputs(const SymbolTable& size, std::uint64_t seed) {
    std::map<std::string, GuardedBuffer> inputs;
    std::uint64_t stream_id = 0;
    for (const auto& t : task_.tensors) {
      ++stream_id;
      if (t.role != TensorRole::kInput) continue;
      auto count = static_cast<std::uint64_t>(ElementCount(TensorShape(t, size)));
      GuardedBuffer buffer(count * DTypeSize(t.dtype));
      CUfunction fill = w_.builtins_->Find("kopt_fill_" + std::string(DTypeName(t.dtype)));
      CUdeviceptr ptr = buffer.ptr();
      int dist = static_cast<int>(t.init.dist);
      double a = t.init.a, b = t.init.b;
      void* params[] = {&ptr, &count, &seed, &stream_id, &dist, &a, &b};
      auto blocks = static_cast<unsigned>(std::min<std::uint64_t>((count + 255) / 256, 65535));
      KOPT_CU(Driver().cuLaunchKernel(fill, blocks, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
      inputs.emplace(t.name, std::move(buffer));
    }
    KOPT_CU(Driver().cuStreamSynchronize(stream_));
    return inputs;
  }

  std::uint64_t Checksum(const GuardedBuffer& buffer) {
    GuardedBuffer sum(8);
    KOPT_CU(Driver().cuMemsetD8(sum.ptr(), 0, 8));
    CUfunction f = w_.builtins_->Find("kopt_checksum");
    CUdeviceptr data = buffer.ptr(), out = sum.ptr();
    std::uint64_t bytes = buffer.bytes();
    void* params[] = {&data, &bytes, &out};
    KOPT_CU(Driver().cuLaunchKernel(f, 264, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
    KOPT_CU(Driver().cuStreamSynchronize(stream_));
    std::vector<unsigned char> host = sum.Download();
    std::uint64_t value;
    std::memcpy(&value, host.data(), 8);
    return value;
  }

  std::vector<GuardedBuffer> MakeOutputs(const SymbolTable& size, Bindings& bindings) {
    std::vector<GuardedBuffer> outputs;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      outputs.emplace_back(ElementCount(TensorShape(t, size)) * DTypeSize(t.dtype));
      outputs.back().Poison(t.dtype);
      bindings[t.name] = outputs.back().ptr();
    }
    return outputs;
  }

  std::vector<GuardedBuffer> MakeWorkspace(const LaunchPlan& plan, Bindings& bindings) {
    std::vector<GuardedBuffer> workspace;
    for (const auto& [name, bytes] : plan.workspace_bytes) {
      workspace.emplace_back(static_cast<std::size_t>(bytes));
      workspace.back().Poison(DType::kU8);
      bindings[name] = workspace.back().ptr();
    }
    return workspace;
  }

  // Reference outputs for (size, seed), computed once per worker and cached as raw bytes.
  const std::vector<std::vector<unsigned char>>& ReferenceOutputs(
      const SymbolTable& size, std::uint64_t seed,
      const std::map<std::string, GuardedBuffer>& inputs) {
    std::string key = job_.task_hash + "|" + SizeText(size) + "|" + std::to_string(seed);
    auto it = w_.reference_outputs_.find(key);
    if (it != w_.reference_outputs_.end()) return it->second;
    LaunchPlan plan = Resolve(reference_, size, false);
    Bindings bindings;
    for (const auto& [name, buffer] : inputs) bindings[name] = buffer.ptr();
    std::vector<GuardedBuffer> outputs = MakeOutputs(size, bindings);
    std::vector<GuardedBuffer> workspace = MakeWorkspace(plan, bindings);
    Enqueue(reference_, plan, bindings, false);
    Synchronize(false, "the reference run");
    std::vector<std::vector<unsigned char>> host;
    std::size_t bytes = 0;
    for (const auto& o : outputs) {
      host.push_back(o.Download());
      bytes += o.bytes();
    }
    if (w_.reference_output_bytes_ + bytes > kReferenceCacheBytes) {
      w_.reference_outputs_.clear();
      w_.reference_output_bytes_ = 0;
    }
    w_.reference_output_bytes_ += bytes;
    return w_.reference_outputs_[key] = std::move(host);
  }

  // Compares the candidate's outputs with the reference's; throws wrong_answer on a mismatch.
  CheckRecord Compare(const std::vector<GuardedBuffer>& outputs,
                      const std::vector<std::vector<unsigned char>>& expected,
                      const SymbolTable& size, std::uint64_t seed, const std::string& when) {
    CheckRecord check;
    check.seed = seed;
    check.size = SizeText(size);
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      std::vector<unsigned char> actual_bytes = outputs[o].Download();
      std::vector<double> actual = ToDoubles(t.dtype, actual_bytes);
      std::vector<double> reference = ToDoubles(t.dtype, expected[o]);
      CompareReport report = CompareOutputs(reference, actual, task_.tolerance);
      check.max_abs_error = std::max(check.max_abs_error, report.max_abs_error);
      check.max_rel_error = std::max(check.max_rel_error, report.max_rel_error);
      check.rel_l2_error = std::max(check.rel_l2_error, report.rel_l2_error);
      if (!report.ok) {
        throw CandidateFailure{
            EvalStatus::kWrongAnswer,
            when + " (seed " + std::to_string(seed) + ", size " + check.size +
                "): " + DescribeMismatch(t.name, TensorShape(t, size), report, task_.tolerance)};
      }
      ++o;
    }
    check.ok = true;
    return check;
  }

  void CheckGuards(const std::map<std::string, GuardedBuffer>& inputs,
                   const std::vector<GuardedBuffer>& outputs,
                   const std::vector<GuardedBuffer>& workspace, const LaunchPlan& plan,
                   const std::string& when) {
    auto check = [&](const GuardedBuffer& b, const std::string& name) {
      if (std::size_t damage = b.GuardDamage()) {
        throw CandidateFailure{EvalStatus::kWrongAnswer,
                               when + ": wrote outside buffer '" + name + "' (" +
                                   std::to_string(damage) +
                                   " bytes of its guard zones changed): an out-of-bounds write; "
                                   "check the bounds on ragged sizes"};
      }
    };
    for (const auto& [name, buffer] : inputs) check(buffer, name);
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role == TensorRole::kOutput) check(outputs[o++], t.name);
    }
    for (std::size_t i = 0; i < workspace.size(); ++i)
      check(workspace[i], plan.workspace_bytes[i].first);
  }

  void CheckInputsUnchanged(const std::map<std::string, GuardedBuffer>& inputs,
                            const std::map<std::string, std::uint64_t>& before,
                            const std::string& when) {
    for (const auto& [name, buffer] : inputs) {
      if (Checksum(buffer) != before.at(name)) {
        throw CandidateFailure{EvalStatus::kWrongAnswer, when + ": the kernel modified input '" +
                                                             name + "'; inputs are read-only"};
      }
    }
  }

  CheckRecord CheckOnce(const SymbolTable& size, std::uint64_t seed) {
    std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed);
    const auto& expected = ReferenceOutputs(size, seed, inputs);
    std::map<std::string, std::uint64_t> checksums;
    for (const auto& [name, buffer] : inputs) checksums[name] = Checksum(buffer);
    LaunchPlan plan = Resolve(candidate_, size, true);
    Bindings bindings;
    for (const auto& [name, buffer] : inputs) bindings[name] = buffer.ptr();
    std::vector<GuardedBuffer> outputs = MakeOutputs(size, bindings);
    std::vector<GuardedBuffer> workspace = MakeWorkspace(plan, bindings);
    Enqueue(candidate_, plan, bindings, true);
    std::string when = "correctness check";
    Synchronize(true, when);
    CheckGuards(inputs, outputs, workspace, plan, when);
    CheckInputsUnchanged(inputs, checksums, when);
    return Compare(outputs, expected, size, seed, when);
  }

  // Input sets rotated while timing: the correctness seeds at the main size, as many as fit.
  struct TimingSet {
    std::map<std::string, GuardedBuffer> inputs;
    std::map<std::string, std::uint64_t> checksums;
    std::vector<GuardedBuffer> ref_outputs, ref_workspace, cand_outputs, cand_workspace;
    Bindings ref_bindings, cand_bindings;
    std::uint64_t seed = 0;
  };

  int TimingSetCount() const {
    std::size_t set_bytes = 0;
    for (const auto& t : task_.tensors) {
      set_bytes += ElementCount(TensorShape(t, task_.symbols)) * DTypeSize(t.dtype);
    }
    std::size_t free_bytes = 0, total = 0;
    Driver().cuMemGetInfo(&free_bytes, &total);
    auto fit = static_cast<int>(free_bytes / 3 / std::max<std::size_t>(2 * set_bytes, 1));
    return std::clamp(std::min(fit, job_.options.seeds), 1, kMaxTimingSets);
  }

  void Time(EvalResult& result) {
    progress_("preparing timing inputs");
    const SymbolTable& size = task_.symbols;
    LaunchPlan ref_plan = Resolve(reference_, size, false);
    LaunchPlan cand_plan = Resolve(candidate_, size, true);
    std::vector<TimingSet> sets(static_cast<std::size_t>(TimingSetCount()));
    for (std::size_t i = 0; i < sets.size(); ++i) {
      TimingSet& s = sets[i];
      s.seed = job_.options.base_seed + i;
      s.inputs = MakeInputs(size, s.seed);
      for (const auto& [name, buffer] : s.inputs) {
        s.checksums[name] = Checksum(buffer);
        s.ref_bindings[name] = s.cand_bindings[name] = buffer.ptr();
      }
      s.ref_outputs = MakeOutputs(size, s.ref_bindings);
      s.ref_workspace = MakeWorkspace(ref_plan, s.ref_bindings);
      s.cand_outputs = MakeOutputs(size, s.cand_bindings);
      s.cand_workspace = MakeWorkspace(cand_plan, s.cand_bindings);
    }
    SampleConfig config{job_.options.noise_target, job_.options.max_timing_s,
                        job_.options.min_samples};
    auto ref_timing = w_.reference_timing_.find(job_.task_hash);
    if (ref_timing == w_.reference_timing_.end()) {
      progress_("timing the reference");
      SampleRun run = TimeLaunchSequence(
          [&](int set) { Enqueue(reference_, ref_plan, sets[set].ref_bindings, false); },
          static_cast<int>(sets.size()), static_cast<int>(ref_plan.launches.size()), stream_,
          *w_.flush_, w_.cupti_.get(), config);
      ref_timing = w_.reference_timing_.emplace(job_.task_hash, run.timing).first;
    }
    if (task_.baseline) TimeBaseline(sets);
    progress_("timing the candidate");
    SampleRun run;
    try {
      run = TimeLaunchSequence(
          [&](int set) { Enqueue(candidate_, cand_plan, sets[set].cand_bindings, true); },
          static_cast<int>(sets.size()), static_cast<int>(cand_plan.launches.size()), stream_,
          *w_.flush_, w_.cupti_.get(), config);
    } catch (const CuResultError& e) {
      throw CandidateFailure{EvalStatus::kCrashed,
                             std::string("the kernel crashed while timed: ") + e.what(),
                             IsStickyError(e.code())};
    }
    run.timing.sm_clock_mhz = MeasureSmClock();
    progress_("re-checking the last timed output");
    TimingSet& last = sets[static_cast<std::size_t>(run.last_set)];
    const auto& expected = ReferenceOutputs(size, last.seed, last.inputs);
    std::string when = "re-check after timing";
    CheckGuards(last.inputs, last.cand_outputs, last.cand_workspace, cand_plan, when);
    for (auto& s : sets) CheckInputsUnchanged(s.inputs, s.checksums, when);
    Compare(last.cand_outputs, expected, size, last.seed, when);
    result.timing = run.timing;
    result.reference_timing = ref_timing->second;
    result.speedup = CompareMedians(ref_timing->second.event_ms, run.timing.event_ms);
    if (auto baseline = w_.baseline_timing_.find(job_.task_hash);
        baseline != w_.baseline_timing_.end()) {
      result.baseline = baseline->second;
      result.baseline_speedup =
          CompareMedians(baseline->second.timing.event_ms, run.timing.event_ms);
    }
    result.roofline = ComputeRoofline(task_, run.timing, w_.peaks_);
    if (job_.options.profile != ProfileLevel::kNone) {
      while (sets.size() > 1) sets.pop_back();  // less memory for kernel replay to save
      result.profile = ProfileCandidate(sets[0].cand_bindings, cand_plan, result);
    }
  }

  // Hardware counters of one run of the candidate's sequence, apart from timing.
  Profile ProfileCandidate(const Bindings& bindings, const LaunchPlan& plan,
                           const EvalResult& result) {
    progress_("profiling the candidate");
    std::vector<ProfiledLaunch> launches;
    for (const auto& l : plan.launches) {
      launches.push_back({l.kernel, candidate_.functions.at(l.kernel), l.grid, l.block, l.smem});
    }
    try {
      return w_.profiler_->Run(
          job_.options.profile, job_.options.profile_metrics, launches, result.compile.kernels,
          [&] { Enqueue(candidate_, plan, bindings, true); }, [&] { FlushCachesClean(); }, stream_);
    } catch (const CuResultError& e) {
      throw CandidateFailure{EvalStatus::kCrashed,
                             std::string("the kernel crashed while profiled: ") + e.what(),
                             IsStickyError(e.code())};
    }
  }

  // Reads the flush buffer (twice L2): evicts the L2 lines the last run left, dirty ones
  // included, so the profiled run neither hits them nor pays for writing them back.
  void FlushCachesClean() {
    CUfunction read = w_.builtins_->Find("kopt_peak_read");
    CUdeviceptr data = w_.flush_->ptr(), out = w_.flush_->ptr();
    std::uint64_t n4 = w_.flush_->bytes() / 16;
    void* params[] = {&data, &n4, &out};
    KOPT_CU(Driver().cuLaunchKernel(read, 1024, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
  }

  // The vendor library on the same inputs, once per worker and task: first checked against the
  // reference (a baseline that computes something else would make every comparison a lie),
  // then timed like any kernel. It writes into the reference's output buffers.
  void TimeBaseline(std::vector<TimingSet>& sets) {
    if (w_.baseline_timing_.count(job_.task_hash)) return;
    progress_("checking the vendor baseline");
    const SymbolTable& size = task_.symbols;
    CublasLtGemm gemm(task_, size);
    TimingSet& first = sets.front();
    for (auto& o : first.ref_outputs) o.Poison(DType::kU8);
    gemm.Enqueue(first.ref_bindings, stream_);
    KOPT_CU(Driver().cuStreamSynchronize(stream_));
    try {
      Compare(first.ref_outputs, ReferenceOutputs(size, first.seed, first.inputs), size, first.seed,
              gemm.name());
    } catch (const CandidateFailure& f) {
      throw Error("the " + gemm.name() + " baseline of task " + task_.name +
                  " disagrees with its reference; fix the task's \"baseline\" (transposition, "
                  "epilogue, bias) or its tolerance: " +
                  f.message);
    }
    progress_("timing the vendor baseline");
    SampleConfig config{job_.options.noise_target, job_.options.max_timing_s,
                        job_.options.min_samples};
    SampleRun run =
        TimeLaunchSequence([&](int set) { gemm.Enqueue(sets[set].ref_bindings, stream_); },
                           static_cast<int>(sets.size()), /*launches=*/0, stream_, *w_.flush_,
                           w_.cupti_.get(), config);
    w_.baseline_timing_.emplace(job_.task_hash, BaselineTiming{gemm.name(), run.timing});
  }

  double MeasureSmClock() {
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

  GpuWorker& w_;
  const EvalJob& job_;
  const GpuWorker::Progress& progress_;
  Task task_;
  CUstream stream_;
  DeviceLimits limits_;
  Loaded reference_;
  Loaded candidate_;
};

GpuWorker::GpuWorker(int device_index, const std::string& cache_dir) : context_(device_index) {
  NvrtcCompiler compiler(cache_dir);
  CompileRequest request;
  request.source = std::string(kBuiltinKernelSource);
  request.file = "kopt_builtins.cu";
  request.arch = context_.device().arch;
  CompileOutput out = compiler.Compile(request);
  if (!out.ok) throw CudaError("kopt's built-in kernels did not compile:\n" + out.info.log);
  builtins_ = std::make_unique<Module>(out.cubin);
  std::size_t flush_bytes = std::max<std::size_t>(
      2 * static_cast<std::size_t>(context_.device().l2_bytes), std::size_t{64} << 20);
  flush_ = std::make_unique<GuardedBuffer>(flush_bytes);
  cupti_ = std::make_unique<CuptiKernelTimer>();
  if (!cupti_->available()) {
    std::fprintf(stderr, "kopt worker: kernel times from events only: %s\n", cupti_->why().c_str());
  }
  profiler_ = std::make_unique<CuptiProfiler>(device_index);
  try {
    peaks_ = DevicePeaksFor(cache_dir, context_.device(), *builtins_, context_.stream());
  } catch (const Error& e) {
    peaks_.note = std::string("not measured: ") + e.what();
    std::fprintf(stderr, "kopt worker: no roofline, the device's peaks %s\n", peaks_.note.c_str());
  }
}

GpuWorker::~GpuWorker() = default;

ReferenceRunReply GpuWorker::RunReference(const ReferenceRunJob& job, const Progress& progress) {
  EvalJob eval;
  eval.task_json = job.task_json;
  eval.task_file = job.task_file;
  eval.task_hash = job.task_hash;
  eval.reference = job.reference;
  ReferenceRunReply reply;
  try {
    reply.tensors = Evaluation(*this, eval, progress).RunReferenceOnly(job.symbols, job.seed);
  } catch (const CuResultError& e) {
    reply.error = e.what();
    reply.restart = IsStickyError(e.code());
  } catch (const std::exception& e) {
    reply.error = e.what();
  }
  return reply;
}

WorkerReply GpuWorker::Evaluate(const EvalJob& job, const Progress& progress) {
  WorkerReply reply;
  try {
    reply.result = Evaluation(*this, job, progress).Run();
  } catch (const CandidateFailure& f) {
    reply.result.status = f.status;
    reply.result.message = f.message;
    reply.result.device = device().name;
    reply.result.compile.kernels = job.candidate.resources;
    reply.restart = f.restart;
  } catch (const CuResultError& e) {
    // Not attributed to the candidate (a built-in kernel or a copy failed): if the context is
    // poisoned, the candidate is still the likeliest cause.
    if (IsStickyError(e.code())) {
      reply.result.status = EvalStatus::kCrashed;
      reply.result.message = std::string("the GPU context was lost: ") + e.what();
      reply.restart = true;
    } else {
      reply.error = e.what();
    }
  } catch (const std::exception& e) {
    reply.error = e.what();
  }
  return reply;
}

}  // namespace kopt
