// SPDX-License-Identifier: Apache-2.0
#include "evaluator/gpu_worker.h"

#include "core/host_values.h"
#include "core/roofline.h"
#include "evaluator/builtin_kernels.h"
#include "evaluator/checks/checks.h"
#include "evaluator/cublas_baseline.h"
#include "evaluator/cuda_driver.h"
#include "evaluator/cupti_kernel_timer.h"
#include "evaluator/cupti_profiler.h"
#include "evaluator/kernel_runner.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/peak_cache.h"
#include "evaluator/sample_timer.h"
#include "evaluator/seed_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace kopt {
namespace {

constexpr std::size_t kReferenceCacheBytes = std::size_t{8} << 30;
constexpr int kMaxTimingSets = 3;
constexpr std::uint64_t kTimedSaltBase = 1ull << 40;  // timed samples' poisons, apart from checks'

// Outputs (or workspace) of one run, each with the poison it held before the run.
struct PoisonedBuffers {
  std::vector<GuardedBuffer> buffers;
  std::vector<Poison> poisons;
};

}  // namespace

// One evaluation of one job: correctness runs at every size and check seed, then the timed runs
// on seeds no check used, each run's evidence judged by the check list (checks/checks.h).
// Throws CandidateFailure for the candidate's faults and kopt::Error for the rest.
class Evaluation {
 public:
  Evaluation(GpuWorker& worker, const EvalJob& job, const GpuWorker::Progress& progress)
      : w_(worker),
        job_(job),
        progress_(progress),
        task_(ParseTask(job.task_json, job.task_file)),
        stream_(worker.context_.stream()),
        runner_(task_, worker.device().limits, stream_) {}

  EvalResult Run() {
    EvalResult result;
    result.device = w_.device().name;
    result.compile.kernels = job_.candidate.resources;
    progress_("loading the reference");
    reference_ = runner_.Load(job_.reference, /*is_candidate=*/false);
    progress_("loading the candidate");
    candidate_ = runner_.Load(job_.candidate, /*is_candidate=*/true);
    AddFunctionResources(result.compile.kernels);

    const EvalOptions& o = job_.options;
    std::uint64_t pool = o.seed_pool != 0 ? o.seed_pool : w_.seed_pool_;
    seeds_ = DrawSeeds(pool, o.pool_size, o.seeds, o.time ? TimingSetCount() : 0, w_.random_);
    std::vector<SymbolTable> sizes = task_.AllSizes();
    if (o.check_sizes_only && sizes.size() > 1) sizes.erase(sizes.begin());
    for (const SymbolTable& size : sizes) {
      for (std::size_t k = 0; k < seeds_.check_seeds.size(); ++k) {
        std::string when = "correctness check (input " + std::to_string(k + 1) + " of " +
                           std::to_string(seeds_.check_seeds.size()) + ", size " + SizeText(size) +
                           ")";
        progress_(when);
        result.checks.push_back(CheckOnce(size, seeds_.check_seeds[k], when));
      }
    }
    if (!o.check_sizes_only) CheckBeyondTheNamedInputs(result);
    if (o.time) Time(result);
    result.status = EvalStatus::kCorrect;
    std::size_t extra = result.checks.size() - seeds_.check_seeds.size() * sizes.size();
    result.message =
        "correct on " + std::to_string(result.checks.size()) + " checks (" +
        std::to_string(o.seeds) + " inputs x " + std::to_string(sizes.size()) + " sizes" +
        (extra ? ", " + std::to_string(extra) + " input cases, altered repeats and drawn sizes"
               : "") +
        ")";
    if (result.timing) {
      result.message +=
          " and on every one of " + std::to_string(result.timing->verified_samples) + " timed runs";
    }
    return result;
  }

  // The task's input cases, an input seen before with a few elements changed, then a size
  // drawn from its contract.
  void CheckBeyondTheNamedInputs(EvalResult& result) {
    const SymbolTable& size =
        task_.check_symbols.empty() ? task_.symbols : task_.check_symbols.front();
    for (const InputCase& c : task_.input_cases) {
      std::string when = "input case '" + c.name + "' (" + c.why + "; size " + SizeText(size) + ")";
      progress_(when);
      result.checks.push_back(
          CheckOnce(size, seeds_.check_seeds.front(), when, RunKind::kInputCase, &c));
    }
    progress_("an earlier input with a few elements changed");
    result.checks.push_back(CheckAlteredRepeat(size));
    if (task_.contract.ragged.empty()) return;
    SymbolTable drawn = DrawRaggedSize();
    std::string when =
        "a size drawn for this evaluation from the task's contract (" + SizeText(drawn) + ")";
    progress_(when);
    result.checks.push_back(
        CheckOnce(drawn, seeds_.check_seeds.front(), when, RunKind::kDrawnSize));
  }

  /// The reference alone on one size and seed: every input and output tensor, downloaded.
  std::vector<HostTensor> RunReferenceOnly(const SymbolTable& size, std::uint64_t seed) {
    progress_("loading the reference");
    reference_ = runner_.Load(job_.reference, /*is_candidate=*/false);
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

  // The task's inputs at `size` for `seed`; an input case draws some of them otherwise.
  std::map<std::string, GuardedBuffer> MakeInputs(const SymbolTable& size, std::uint64_t seed,
                                                  const InputCase* input_case = nullptr) {
    std::map<std::string, GuardedBuffer> inputs;
    std::uint64_t stream_id = 0;
    for (const auto& t : task_.tensors) {
      ++stream_id;
      if (t.role != TensorRole::kInput) continue;
      InitSpec init = t.init;
      if (input_case) {
        for (const auto& [name, spec] : input_case->inputs) {
          if (name == t.name) init = spec;
        }
      }
      auto count = static_cast<std::uint64_t>(ElementCount(TensorShape(t, size)));
      GuardedBuffer buffer(count * DTypeSize(t.dtype));
      CUfunction fill = w_.builtins_->Find("kopt_fill_" + std::string(DTypeName(t.dtype)));
      CUdeviceptr ptr = buffer.ptr();
      int dist = static_cast<int>(init.dist);
      double a = init.a, b = init.b;
      auto every = static_cast<std::uint64_t>(init.every);
      void* params[] = {&ptr, &count, &seed, &stream_id, &dist, &a, &b, &every};
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

  std::map<std::string, std::uint64_t> Checksums(
      const std::map<std::string, GuardedBuffer>& inputs) {
    std::map<std::string, std::uint64_t> sums;
    for (const auto& [name, buffer] : inputs) sums[name] = Checksum(buffer);
    return sums;
  }

  // Every output of the task at `size`, poisoned with `salt`'s pattern and bound by name.
  PoisonedBuffers MakeOutputs(const SymbolTable& size, Bindings& bindings, std::uint64_t salt) {
    PoisonedBuffers out;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      out.buffers.emplace_back(ElementCount(TensorShape(t, size)) * DTypeSize(t.dtype));
      out.poisons.push_back(MakePoison(t.dtype, salt));
      out.buffers.back().Poison(out.poisons.back());
      bindings[t.name] = out.buffers.back().ptr();
    }
    return out;
  }

  PoisonedBuffers MakeWorkspace(const LaunchPlan& plan, Bindings& bindings, std::uint64_t salt) {
    PoisonedBuffers out;
    for (const auto& [name, bytes] : plan.workspace_bytes) {
      out.buffers.emplace_back(static_cast<std::size_t>(bytes));
      out.poisons.push_back(MakePoison(DType::kU8, salt));
      out.buffers.back().Poison(out.poisons.back());
      bindings[name] = out.buffers.back().ptr();
    }
    return out;
  }

  // Reference outputs for (size, seed, variant: an input case or altered inputs), computed once
  // per worker and cached as raw bytes. The
  // reference is trusted, so it runs without checks. Copy what you need before the next call:
  // the cache may be cleared.
  const std::vector<std::vector<unsigned char>>& ReferenceOutputs(
      const SymbolTable& size, std::uint64_t seed,
      const std::map<std::string, GuardedBuffer>& inputs, const std::string& variant = "") {
    std::string key =
        job_.task_hash + "|" + SizeText(size) + "|" + std::to_string(seed) + "|" + variant;
    auto it = w_.reference_outputs_.find(key);
    if (it != w_.reference_outputs_.end()) return it->second;
    LaunchPlan plan = runner_.Resolve(reference_, size);
    Bindings bindings;
    for (const auto& [name, buffer] : inputs) bindings[name] = buffer.ptr();
    PoisonedBuffers outputs = MakeOutputs(size, bindings, seed);
    PoisonedBuffers workspace = MakeWorkspace(plan, bindings, seed);
    runner_.Enqueue(reference_, plan, bindings);
    runner_.Synchronize(false, "the reference run");
    std::vector<std::vector<unsigned char>> host;
    std::size_t bytes = 0;
    for (const auto& o : outputs.buffers) {
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

  // Guard zones and input checksums of one set of buffers, as the checks read them.
  void AddBufferEvidence(RunEvidence& run, const std::map<std::string, GuardedBuffer>& inputs,
                         const std::map<std::string, std::uint64_t>& checksums,
                         const PoisonedBuffers& outputs, const PoisonedBuffers& workspace,
                         const LaunchPlan& plan) {
    for (const auto& [name, buffer] : inputs) {
      run.buffers.push_back({name, buffer.GuardDamage()});
      run.inputs.push_back({name, checksums.at(name), Checksum(buffer)});
    }
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role == TensorRole::kOutput)
        run.buffers.push_back({t.name, outputs.buffers[o++].GuardDamage()});
    }
    for (std::size_t i = 0; i < workspace.buffers.size(); ++i) {
      run.buffers.push_back({plan.workspace_bytes[i].first, workspace.buffers[i].GuardDamage()});
    }
  }

  void AddOutputEvidence(RunEvidence& run, const PoisonedBuffers& outputs,
                         const std::vector<std::vector<unsigned char>>& expected,
                         const SymbolTable& size) {
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      run.outputs.push_back({t.name, t.dtype, TensorShape(t, size), outputs.buffers[o].Download(),
                             &expected[o], outputs.poisons[o]});
      ++o;
    }
  }

  // What a run is for: the plain checks, an input case, or a size drawn from the contract. A
  // tolerance failure in the last two is theirs: the kernel is right only on benign inputs or
  // on the sizes the task names.
  enum class RunKind { kCheck, kInputCase, kDrawnSize, kAlteredRepeat };

  // Applies the check list; the first failure is the candidate's verdict.
  static void Judge(const RunEvidence& run, CheckRecord& record, RunKind kind = RunKind::kCheck) {
    if (auto failure = ApplyRunChecks(run, record)) {
      if (failure->check == "tolerance" && kind == RunKind::kInputCase) {
        failure->check = "input_cases";
      }
      if (failure->check == "tolerance" && kind == RunKind::kDrawnSize) {
        failure->check = "ragged_sizes";
      }
      if (failure->check == "tolerance" && kind == RunKind::kAlteredRepeat) {
        failure->check = "altered_repeat";
        failure->message =
            "right on an input it had seen, wrong once a few of its elements changed: the kernel "
            "answers from what it remembers of earlier inputs. " +
            failure->message;
      }
      throw CandidateFailure{failure->status, failure->message, false, failure->check};
    }
  }

  // An input case must give the reference finite outputs, or it tests nothing.
  void RequireFinite(const std::vector<std::vector<unsigned char>>& expected,
                     const InputCase& input_case) {
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      for (double v : ToDoubles(t.dtype, expected[o])) {
        if (!std::isfinite(v)) {
          throw Error("task " + task_.name + ": input case '" + input_case.name +
                      "' gives the reference a non-finite " + t.name +
                      "; an input case needs finite reference outputs");
        }
      }
      ++o;
    }
  }

  // A size from the task's contract, new for every evaluation: the first check size (else the
  // main one) with each ragged symbol drawn from half to one and a half times its value, on
  // its alignment. A kernel that special-cases the sizes the task names fails here.
  SymbolTable DrawRaggedSize() {
    SymbolTable size = task_.check_symbols.empty() ? task_.symbols : task_.check_symbols.front();
    for (const auto& [symbol, alignment] : task_.contract.ragged) {
      std::int64_t v = size.at(symbol);
      std::int64_t low = std::max(alignment, v / 2), high = std::max(low, v + v / 2);
      std::uniform_int_distribution<std::int64_t> pick(low, high);
      size[symbol] = std::max(alignment, pick(w_.random_) / alignment * alignment);
    }
    return size;
  }

  CheckRecord CheckOnce(const SymbolTable& size, std::uint64_t seed, const std::string& when,
                        RunKind kind = RunKind::kCheck, const InputCase* input_case = nullptr) {
    std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed, input_case);
    std::vector<std::vector<unsigned char>> expected =
        ReferenceOutputs(size, seed, inputs, input_case ? input_case->name : "");
    if (input_case) RequireFinite(expected, *input_case);
    return CheckOn(size, seed, inputs, expected, when, kind);
  }

  // The first check's input again (the candidate has answered it), with elements at random
  // places replaced by another seed's, so values stay in the task's distribution. A kernel that
  // keys remembered answers on a fingerprint of its inputs answers the old input here. The
  // changes grow until the reference's answer moves beyond the tolerance, else the probe
  // would test nothing.
  CheckRecord CheckAlteredRepeat(const SymbolTable& size) {
    std::uint64_t seed = seeds_.check_seeds.front();
    std::uint64_t donor_seed = w_.random_() | (1ull << 63);
    std::vector<std::vector<unsigned char>> earlier;
    {
      std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed);
      earlier = ReferenceOutputs(size, seed, inputs);
    }
    std::map<std::string, GuardedBuffer> donor = MakeInputs(size, donor_seed);
    for (std::uint64_t changes = 16;; changes *= 8) {
      std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed);
      std::uint64_t largest = 0;
      for (const auto& t : task_.tensors) {
        if (t.role != TensorRole::kInput) continue;
        largest = std::max(largest, SpliceElements(inputs.at(t.name), donor.at(t.name),
                                                   DTypeSize(t.dtype), changes));
      }
      std::string variant = "altered " + std::to_string(donor_seed) + "x" + std::to_string(changes);
      std::vector<std::vector<unsigned char>> expected =
          ReferenceOutputs(size, seed, inputs, variant);
      if (changes >= largest || OutputsDiffer(earlier, expected)) {
        return CheckOn(size, seed, inputs, expected,
                       "input 1 again with " + std::to_string(std::min(changes, largest)) +
                           " elements of each input changed (size " + SizeText(size) + ")",
                       RunKind::kAlteredRepeat);
      }
    }
  }

  // Copies `changes` elements (at places drawn for this evaluation) from `donor` into `target`;
  // returns the number of elements.
  std::uint64_t SpliceElements(GuardedBuffer& target, const GuardedBuffer& donor,
                               std::size_t element_bytes, std::uint64_t changes) {
    std::vector<unsigned char> bytes = target.Download(), from = donor.Download();
    std::uint64_t count = bytes.size() / element_bytes;
    if (count == 0) return 0;
    std::uniform_int_distribution<std::uint64_t> place(0, count - 1);
    for (std::uint64_t k = 0; k < std::min(changes, count); ++k) {
      std::size_t at = place(w_.random_) * element_bytes;
      std::memcpy(bytes.data() + at, from.data() + at, element_bytes);
    }
    KOPT_CU(Driver().cuMemcpyHtoD(target.ptr(), bytes.data(), bytes.size()));
    return count;
  }

  // Whether two sets of reference outputs differ beyond the task's tolerance.
  bool OutputsDiffer(const std::vector<std::vector<unsigned char>>& a,
                     const std::vector<std::vector<unsigned char>>& b) const {
    std::size_t o = 0;
    for (const auto& t : task_.tensors) {
      if (t.role != TensorRole::kOutput) continue;
      if (!CompareOutputs(ToDoubles(t.dtype, a[o]), ToDoubles(t.dtype, b[o]), task_.tolerance).ok)
        return true;
      ++o;
    }
    return false;
  }

  CheckRecord CheckOn(const SymbolTable& size, std::uint64_t seed,
                      const std::map<std::string, GuardedBuffer>& inputs,
                      const std::vector<std::vector<unsigned char>>& expected,
                      const std::string& when, RunKind kind) {
    std::map<std::string, std::uint64_t> checksums = Checksums(inputs);
    LaunchPlan plan = runner_.Resolve(candidate_, size);
    Bindings bindings;
    for (const auto& [name, buffer] : inputs) bindings[name] = buffer.ptr();
    std::uint64_t salt = seeds_.poison_salt + (++runs_);
    PoisonedBuffers outputs = MakeOutputs(size, bindings, salt);
    PoisonedBuffers workspace = MakeWorkspace(plan, bindings, salt);
    runner_.Enqueue(candidate_, plan, bindings);
    runner_.Synchronize(true, when);
    RunEvidence run;
    run.when = when;
    run.tolerance = task_.tolerance;
    AddBufferEvidence(run, inputs, checksums, outputs, workspace, plan);
    AddOutputEvidence(run, outputs, expected, size);
    CheckRecord record;
    record.seed = seed;
    record.size = SizeText(size);
    Judge(run, record, kind);
    record.ok = true;
    return record;
  }

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

  int TimingSetCount() const {
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

  TimingSet MakeTimingSet(std::uint64_t seed, const LaunchPlan& ref_plan,
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

  // Before a timed sample: the candidate's outputs and workspace get a poison of their own.
  void RepoisonForSample(TimingSet& s, int sample) {
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

  // After a timed sample: its outputs against the reference's, on the device. Two counters
  // (wrong, unwritten) per sample and output.
  void VerifySample(const TimingSet& s, int sample, const GuardedBuffer& counters,
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
      CUdeviceptr slot = counters.ptr() + (static_cast<std::size_t>(sample) * outputs + o) * 2 *
                                              sizeof(std::uint64_t);
      void* params[] = {&actual, &expected, &n, &bits, &rtol, &atol, &slot};
      auto blocks = static_cast<unsigned>(std::clamp<std::uint64_t>((n + 255) / 256, 1, 1024));
      KOPT_CU(
          Driver().cuLaunchKernel(verify, blocks, 1, 1, 256, 1, 1, 0, stream_, params, nullptr));
    }
  }

  static TimedEvidence ReadCounters(const GuardedBuffer& counters, int samples,
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

  SampleConfig TimingConfig() const {
    return SampleConfig{job_.options.noise_target, job_.options.max_timing_s,
                        job_.options.min_samples};
  }

  void Time(EvalResult& result) {
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
      progress_("timing the reference");
      SampleRun run = TimeLaunchSequence(
          [&](int set) { runner_.Enqueue(reference_, ref_plan, sets[set].ref_bindings); },
          static_cast<int>(sets.size()), static_cast<int>(ref_plan.launches.size()), stream_,
          *w_.flush_, w_.cupti_.get(), config);
      ref_timing = w_.reference_timing_.emplace(job_.task_hash, run.timing).first;
    }
    if (task_.baseline) TimeBaseline(sets);

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
          [&] { runner_.Enqueue(candidate_, plan, bindings); }, [&] { FlushCachesClean(); },
          stream_);
    } catch (const CuResultError& e) {
      throw CandidateFailure{EvalStatus::kCrashed,
                             std::string("the kernel crashed while profiled: ") + e.what(),
                             IsStickyError(e.code()), "crash"};
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
  KernelRunner runner_;
  LoadedKernel reference_;
  LoadedKernel candidate_;
  SeedPlan seeds_;
  std::uint64_t runs_ = 0;  // candidate runs so far: each gets a poison of its own
};

GpuWorker::GpuWorker(int device_index, const std::string& cache_dir)
    : context_(device_index), random_(std::random_device{}()) {
  seed_pool_ = random_() | 1;
  NvrtcCompiler compiler(cache_dir, /*sandbox_binary=*/"");  // kopt's own kernels
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
  if (const char* off = std::getenv("KOPT_NO_PEAKS"); off && *off && *off != '0') {
    peaks_.note = "not measured: KOPT_NO_PEAKS (a sanitizer's worker)";
  } else {
    try {
      peaks_ = DevicePeaksFor(cache_dir, context_.device(), *builtins_, context_.stream());
    } catch (const Error& e) {
      peaks_.note = std::string("not measured: ") + e.what();
      std::fprintf(stderr, "kopt worker: no roofline, the device's peaks %s\n",
                   peaks_.note.c_str());
    }
  }
  AddSpecCeilings(peaks_, context_.device());
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
    reply.result.check = f.check;
    reply.result.device = device().name;
    reply.result.compile.kernels = job.candidate.resources;
    reply.restart = f.restart;
  } catch (const CuResultError& e) {
    // Not attributed to the candidate (a built-in kernel or a copy failed): if the context is
    // poisoned, the candidate is still the likeliest cause.
    if (IsStickyError(e.code())) {
      reply.result.status = EvalStatus::kCrashed;
      reply.result.message = std::string("the GPU context was lost: ") + e.what();
      reply.result.check = "crash";
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
