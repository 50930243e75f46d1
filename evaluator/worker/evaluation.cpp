// SPDX-License-Identifier: Apache-2.0
// The correctness half of an evaluation: inputs, reference outputs, candidate runs and their
// evidence for the check list.
#include "evaluator/worker/evaluation.h"

#include "core/host_values.h"
#include "evaluator/worker/builtin_kernels.h"
#include "evaluator/worker/cuda_driver.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

namespace kopt {
namespace {

constexpr std::size_t kReferenceCacheBytes = std::size_t{8} << 30;

}  // namespace

EvalResult Evaluation::Run() {
  EvalResult result;
  result.device = w_.device().name;
  result.compile.kernels = job_.candidate.resources;
  {
    auto load = clock_.Measure("load");
    progress_("loading the reference");
    reference_ = runner_.Load(job_.reference, /*is_candidate=*/false);
    progress_("loading the candidate");
    candidate_ = runner_.Load(job_.candidate, /*is_candidate=*/true);
    AddFunctionResources(result.compile.kernels);
  }

  const EvalOptions& o = job_.options;
  std::uint64_t pool = o.seed_pool != 0 ? o.seed_pool : w_.seed_pool_;
  seeds_ = DrawSeeds(pool, o.pool_size, o.seeds, o.time ? TimingSetCount() : 0, w_.random_);
  std::vector<SymbolTable> sizes = task_.AllSizes();
  if (o.check_sizes_only && sizes.size() > 1) sizes.erase(sizes.begin());
  for (const SymbolTable& size : sizes) {
    for (std::size_t k = 0; k < seeds_.check_seeds.size(); ++k) {
      std::string when = "correctness check (input " + std::to_string(k + 1) + " of " +
                         std::to_string(seeds_.check_seeds.size()) + ", size " + SymbolsText(size) +
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
      "correct on " + std::to_string(result.checks.size()) + " checks (" + std::to_string(o.seeds) +
      " inputs x " + std::to_string(sizes.size()) + " sizes" +
      (extra ? ", " + std::to_string(extra) + " input cases, altered repeats and drawn sizes"
             : "") +
      ")";
  if (result.timing) {
    result.message +=
        " and on every one of " + std::to_string(result.timing->verified_samples) + " timed runs";
  }
  return result;
}

std::vector<SymbolTable> Evaluation::SizesPerVariant() const {
  std::vector<SymbolTable> order = task_.check_symbols;
  order.push_back(task_.symbols);
  std::vector<SymbolTable> out;
  std::set<std::size_t> covered;
  for (const SymbolTable& size : order) {
    if (covered.insert(runner_.Resolve(candidate_, size).variant).second) out.push_back(size);
  }
  return out;
}

void Evaluation::CheckBeyondTheNamedInputs(EvalResult& result) {
  for (const SymbolTable& size : SizesPerVariant()) {
    for (const InputCase& c : task_.input_cases) {
      std::string when =
          "input case '" + c.name + "' (" + c.why + "; size " + SymbolsText(size) + ")";
      progress_(when);
      result.checks.push_back(
          CheckOnce(size, seeds_.check_seeds.front(), when, RunKind::kInputCase, &c));
    }
    progress_("an earlier input with a few elements changed (size " + SymbolsText(size) + ")");
    result.checks.push_back(CheckAlteredRepeat(size));
  }
  if (task_.contract.ragged.empty()) return;
  SymbolTable drawn = DrawRaggedSize();
  std::string when =
      "a size drawn for this evaluation from the task's contract (" + SymbolsText(drawn) + ")";
  progress_(when);
  result.checks.push_back(CheckOnce(drawn, seeds_.check_seeds.front(), when, RunKind::kDrawnSize));
}

std::vector<HostTensor> Evaluation::RunReferenceOnly(const SymbolTable& size, std::uint64_t seed) {
  progress_("loading the reference");
  reference_ = runner_.Load(job_.reference, /*is_candidate=*/false);
  progress_("running the reference, size " + SymbolsText(size));
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

void Evaluation::AddFunctionResources(std::vector<KernelResources>& resources) const {
  for (const auto& [name, f] : candidate_.functions) {
    auto it = std::find_if(resources.begin(), resources.end(),
                           [&name = name](const KernelResources& r) { return r.kernel == name; });
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

std::map<std::string, GuardedBuffer> Evaluation::MakeInputs(const SymbolTable& size,
                                                            std::uint64_t seed,
                                                            const InputCase* input_case) {
  auto measure = clock_.Measure("inputs");
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

std::uint64_t Evaluation::Checksum(const GuardedBuffer& buffer) {
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

std::map<std::string, std::uint64_t> Evaluation::Checksums(
    const std::map<std::string, GuardedBuffer>& inputs) {
  std::map<std::string, std::uint64_t> sums;
  for (const auto& [name, buffer] : inputs) sums[name] = Checksum(buffer);
  return sums;
}

PoisonedBuffers Evaluation::MakeOutputs(const SymbolTable& size, Bindings& bindings,
                                        std::uint64_t salt) {
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

PoisonedBuffers Evaluation::MakeWorkspace(const LaunchPlan& plan, Bindings& bindings,
                                          std::uint64_t salt) {
  PoisonedBuffers out;
  for (const auto& [name, bytes] : plan.workspace_bytes) {
    out.buffers.emplace_back(static_cast<std::size_t>(bytes));
    out.poisons.push_back(MakePoison(DType::kU8, salt));
    out.buffers.back().Poison(out.poisons.back());
    bindings[name] = out.buffers.back().ptr();
  }
  return out;
}

const std::vector<std::vector<unsigned char>>& Evaluation::ReferenceOutputs(
    const SymbolTable& size, std::uint64_t seed, const std::map<std::string, GuardedBuffer>& inputs,
    const std::string& variant) {
  std::string key =
      job_.task_hash + "|" + SymbolsText(size) + "|" + std::to_string(seed) + "|" + variant;
  auto it = w_.reference_outputs_.find(key);
  if (it != w_.reference_outputs_.end()) return it->second;
  auto reference = clock_.Measure("reference");
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

void Evaluation::AddBufferEvidence(RunEvidence& run,
                                   const std::map<std::string, GuardedBuffer>& inputs,
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

void Evaluation::AddOutputEvidence(RunEvidence& run, const PoisonedBuffers& outputs,
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

void Evaluation::Judge(const RunEvidence& run, CheckRecord& record, RunKind kind) {
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

void Evaluation::RequireFinite(const std::vector<std::vector<unsigned char>>& expected,
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

SymbolTable Evaluation::DrawRaggedSize() {
  SymbolTable size = task_.check_symbols.empty() ? task_.symbols : task_.check_symbols.front();
  for (const auto& [symbol, alignment] : task_.contract.ragged) {
    std::int64_t v = size.at(symbol);
    std::int64_t low = std::max(alignment, v / 2), high = std::max(low, v + v / 2);
    std::uniform_int_distribution<std::int64_t> pick(low, high);
    size[symbol] = std::max(alignment, pick(w_.random_) / alignment * alignment);
  }
  return size;
}

CheckRecord Evaluation::CheckOnce(const SymbolTable& size, std::uint64_t seed,
                                  const std::string& when, RunKind kind,
                                  const InputCase* input_case) {
  std::map<std::string, GuardedBuffer> inputs = MakeInputs(size, seed, input_case);
  std::vector<std::vector<unsigned char>> expected =
      ReferenceOutputs(size, seed, inputs, input_case ? input_case->name : "");
  if (input_case) RequireFinite(expected, *input_case);
  return CheckOn(size, seed, inputs, expected, when, kind);
}

CheckRecord Evaluation::CheckAlteredRepeat(const SymbolTable& size) {
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
                         " elements of each input changed (size " + SymbolsText(size) + ")",
                     RunKind::kAlteredRepeat);
    }
  }
}

std::uint64_t Evaluation::SpliceElements(GuardedBuffer& target, const GuardedBuffer& donor,
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

bool Evaluation::OutputsDiffer(const std::vector<std::vector<unsigned char>>& a,
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

CheckRecord Evaluation::CheckOn(const SymbolTable& size, std::uint64_t seed,
                                const std::map<std::string, GuardedBuffer>& inputs,
                                const std::vector<std::vector<unsigned char>>& expected,
                                const std::string& when, RunKind kind) {
  std::map<std::string, std::uint64_t> checksums;
  LaunchPlan plan = runner_.Resolve(candidate_, size);
  Bindings bindings;
  for (const auto& [name, buffer] : inputs) bindings[name] = buffer.ptr();
  std::uint64_t salt = seeds_.poison_salt + (++runs_);
  PoisonedBuffers outputs, workspace;
  {
    auto buffers = clock_.Measure("buffers");
    checksums = Checksums(inputs);
    outputs = MakeOutputs(size, bindings, salt);
    workspace = MakeWorkspace(plan, bindings, salt);
  }
  {
    auto runs = clock_.Measure("candidate_runs");
    runner_.Enqueue(candidate_, plan, bindings);
    runner_.Synchronize(true, when);
  }
  auto compare = clock_.Measure("compare");
  RunEvidence run;
  run.when = when;
  run.tolerance = task_.tolerance;
  AddBufferEvidence(run, inputs, checksums, outputs, workspace, plan);
  AddOutputEvidence(run, outputs, expected, size);
  CheckRecord record;
  record.seed = seed;
  record.size = SymbolsText(size);
  Judge(run, record, kind);
  record.ok = true;
  return record;
}

}  // namespace kopt
