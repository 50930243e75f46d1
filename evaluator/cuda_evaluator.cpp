// SPDX-License-Identifier: Apache-2.0
#include "evaluator/cuda_evaluator.h"

#include "core/error.h"
#include "evaluator/eval_job.h"
#include "evaluator/sanitizer_pass.h"
#include "evaluator/signature_check.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <unistd.h>

namespace kopt {
namespace {

EvalResult Failed(EvalStatus status, std::string message) {
  EvalResult r;
  r.status = status;
  r.message = std::move(message);
  return r;
}

CompileRequest RequestFor(const Task& task, const std::string& arch, const std::string& source,
                          const std::string& file, const TunableChoice& choice) {
  CompileRequest c;
  c.source = source;
  c.file = file;
  c.arch = arch;
  c.extra_options = TunableDefines(choice);
  if (task.fast_math) c.extra_options.push_back("--use_fast_math");
  return c;
}

// A private folder (0700) for the tensors of one reference run, removed with everything in it.
struct TensorFolder {
  std::string path;
  TensorFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kopt-tensors-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      throw Error("cannot create a folder for a reference run's tensors in " +
                  std::filesystem::temp_directory_path().string() + ": " + std::strerror(errno));
    }
    path = pattern;
  }
  ~TensorFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TensorFolder(const TensorFolder&) = delete;
  TensorFolder& operator=(const TensorFolder&) = delete;
};

}  // namespace

CompileRequest CandidateCompileRequest(const Task& task, const std::string& arch,
                                       const std::string& source, const std::string& file,
                                       const LaunchBlock& block, const TunableChoice& choice,
                                       const DeviceLimits& limits) {
  // The kernel's signature is checked by the compiler, against the launches of every variant
  // (a block that does not resolve fails in the worker, with the size named).
  std::string checked_source = source;
  try {
    checked_source += SignatureCheckSource(PlanPerVariant(block, task, choice, limits), block);
  } catch (const ConfigError&) {
  }
  return RequestFor(task, arch, checked_source, file, choice);
}

std::string SelfExecutable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

CudaEvaluator::CudaEvaluator(const CudaEvaluatorConfig& config)
    : compiler_(config.cache_dir.empty() ? DefaultCacheDir() : config.cache_dir,
                config.worker_binary.empty() ? SelfExecutable() : config.worker_binary),
      pool_(compiler_, config.compile_threads),
      worker_argv_({config.worker_binary.empty() ? SelfExecutable() : config.worker_binary,
                    "worker", "--device", std::to_string(config.device)}),
      worker_(worker_argv_) {}

DeviceInfo CudaEvaluator::Device() {
  std::lock_guard<std::mutex> lock(gpu_mutex_);
  return DeviceInfoFromJson(worker_.EnsureStarted().at("device"));
}

JobOutcome CudaEvaluator::RunOnGpu(const nlohmann::json& job, double timeout_s, StageClock& clock) {
  std::optional<StageClock::Scope> wait;
  wait.emplace(clock, "gpu_wait");  // for another evaluation's job on this GPU
  std::lock_guard<std::mutex> lock(gpu_mutex_);
  wait.reset();
  auto round_trip = clock.Measure("worker_round_trip");
  auto start = std::chrono::steady_clock::now();
  JobOutcome outcome = worker_.Run(job, timeout_s);
  gpu_busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  return outcome;
}

EvalResult CudaEvaluator::Evaluate(const EvalRequest& request) {
  auto start = std::chrono::steady_clock::now();
  const Task& task = *request.task;
  DeviceInfo device = Device();
  // This process's stages; the worker's arrive in its result and are added to them.
  StageClock clock;
  auto finish = [&](EvalResult r) {
    r.device = device.name;
    r.wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    AddStageTimes(r.stage_ms, clock.times());
    return r;
  };

  // A text that is not a candidate (no code, cut off, a bad launch block) is never compiled.
  if (!request.candidate.ok()) return finish(NotACandidateResult(request.candidate.error()));
  // The candidate's launch block was checked on every size of the task when it was made.
  const Candidate& kernel = request.candidate.value();
  LaunchBlock reference_block = ParseLaunchBlock(task.reference_source, task.dir + "/reference.cu");
  TunableChoice reference_tunables = ChooseTunables(reference_block, {});

  auto reference_future = pool_.Submit(RequestFor(task, device.arch, task.reference_source,
                                                  task.dir + "/reference.cu", reference_tunables));
  auto candidate_future =
      pool_.Submit(CandidateCompileRequest(task, device.arch, kernel.source, request.file,
                                           kernel.launch, kernel.tunables, device.limits));
  std::optional<StageClock::Scope> compile;
  compile.emplace(clock, "compile");
  CompileOutput reference = reference_future.get();
  CompileOutput candidate = candidate_future.get();
  compile.reset();
  if (!reference.ok) {
    throw Error("the reference kernel of " + task.name + " does not compile:\n" +
                reference.info.log);
  }
  if (!candidate.ok) {
    std::optional<std::string> mismatch = SignatureMismatch(candidate.info.log);
    EvalResult r = mismatch ? Failed(EvalStatus::kLaunchError, request.file + ": " + *mismatch)
                            : Failed(EvalStatus::kCompileError,
                                     WithoutSignatureDiagnostics(candidate.info.log));
    r.check = mismatch ? "signature" : "compile";
    r.compile = candidate.info;
    r.compile.log = mismatch ? candidate.info.log : r.message;
    return finish(r);
  }
  if (std::optional<std::string> missing = MissingKernel(kernel.launch, candidate.info.kernels)) {
    EvalResult r = Failed(EvalStatus::kLaunchError, request.file + ": " + *missing);
    r.check = "signature";
    r.compile = candidate.info;
    return finish(r);
  }

  EvalJob job;
  job.task_json = task.task_json;
  job.task_file = task.dir + "/task.json";
  job.task_hash = task.content_hash;
  job.reference = {task.reference_source, task.dir + "/reference.cu", reference.cubin,
                   reference_tunables, reference.info.kernels};
  job.candidate = {kernel.source, request.file, candidate.cubin, kernel.tunables,
                   candidate.info.kernels};
  job.options = request.options;

  JobOutcome outcome = RunOnGpu(ToJson(job), request.options.timeout_s, clock);
  EvalResult result;
  switch (outcome.kind) {
    case JobOutcome::Kind::kTimeout:
      result = Failed(EvalStatus::kTimeout,
                      "the candidate did not finish: " + outcome.detail +
                          " (an endless loop, a deadlock at a barrier, or far too slow)");
      result.check = "deadline";
      break;
    case JobOutcome::Kind::kCrashed:
      result = Failed(EvalStatus::kCrashed, "the GPU worker died: " + outcome.detail);
      result.check = "crash";
      break;
    case JobOutcome::Kind::kReply:
      if (outcome.reply.contains("error")) {
        throw Error("evaluating " + request.file + " on " + task.name + ": " +
                    outcome.reply["error"].get<std::string>());
      }
      result = EvalResultFromJson(outcome.reply.at("result"));
      break;
  }
  std::vector<KernelResources> resources = result.compile.kernels;
  result.compile = candidate.info;
  if (!resources.empty()) result.compile.kernels = resources;
  if (result.ok() && request.options.sanitize) {
    auto sanitize = clock.Measure("sanitize");
    Sanitize(job, request.options, result);
    NoteUnsanitizedVariants(task, kernel, device.limits, result);
  }
  return finish(result);
}

void CudaEvaluator::Sanitize(const EvalJob& checked, const EvalOptions& options,
                             EvalResult& result) {
  EvalJob job = checked;
  job.options.time = false;
  job.options.seeds = 1;
  job.options.check_sizes_only = true;
  job.options.profile = ProfileLevel::kNone;
  std::lock_guard<std::mutex> lock(gpu_mutex_);
  result.sanitizer = RunSanitizerPass(worker_argv_, ToJson(job), options.sanitize_timeout_s);
  for (const auto& tool : result.sanitizer->tools) {
    if (tool.fatal_findings() == 0) continue;
    result.status = EvalStatus::kWrongAnswer;
    result.check = "sanitizer";
    result.message = "compute-sanitizer's " + tool.tool + " found " +
                     (tool.errors > 0 ? std::to_string(tool.errors) + " error(s)"
                                      : std::to_string(tool.warnings) +
                                            " warp-synchronous race(s) (no __syncwarp)") +
                     " in the correctness runs: " + tool.first_error;
    return;
  }
}

void NoteUnsanitizedVariants(const Task& task, const Candidate& kernel, const DeviceLimits& limits,
                             EvalResult& result) {
  if (!result.sanitizer || !result.sanitizer->ran || !result.ok()) return;
  std::set<std::size_t> all =
      ChosenVariants(kernel.launch, task, task.AllSizes(), kernel.tunables, limits);
  std::set<std::size_t> sanitized =
      ChosenVariants(kernel.launch, task, task.check_symbols, kernel.tunables, limits);
  for (std::size_t v : all) {
    if (sanitized.count(v)) continue;
    // The tools ran over the check sizes only; a variant that just the main size chooses was
    // never under them, so the kernel cannot be called clean.
    result.sanitizer->ran = false;
    result.sanitizer->note =
        "compute-sanitizer ran over the check sizes, and none of them "
        "chooses the launch " +
        VariantText(kernel.launch, v) + ", which the main size runs";
    return;
  }
}

std::vector<HostTensor> CudaEvaluator::RunReference(const Task& task, const SymbolTable& symbols,
                                                    std::uint64_t seed, double timeout_s) {
  DeviceInfo device = Device();
  std::string file = task.dir + "/reference.cu";
  LaunchBlock block = ParseLaunchBlock(task.reference_source, file);
  TunableChoice tunables = ChooseTunables(block, {});
  CompileOutput compiled =
      pool_.Submit(RequestFor(task, device.arch, task.reference_source, file, tunables)).get();
  if (!compiled.ok) {
    throw Error("the reference kernel of " + task.name + " does not compile:\n" +
                compiled.info.log);
  }
  ReferenceRunJob job;
  job.task_json = task.task_json;
  job.task_file = task.dir + "/task.json";
  job.task_hash = task.content_hash;
  job.reference = {task.reference_source, file, compiled.cubin, tunables, compiled.info.kernels};
  job.symbols = task.symbols;
  for (const auto& [name, value] : symbols) job.symbols[name] = value;
  job.seed = seed;
  TensorFolder folder;
  job.tensor_dir = folder.path;
  StageClock unreported;  // a reference run has no result to carry stages in
  JobOutcome outcome = RunOnGpu(ToJson(job), timeout_s, unreported);
  std::string what = "running the reference of " + task.name;
  if (outcome.kind == JobOutcome::Kind::kTimeout)
    throw Error(what + " timed out: " + outcome.detail);
  if (outcome.kind == JobOutcome::Kind::kCrashed) throw Error(what + ": " + outcome.detail);
  if (outcome.reply.contains("error")) {
    throw Error(what + ": " + outcome.reply["error"].get<std::string>());
  }
  return HostTensorsFromJson(outcome.reply.at("tensors"), folder.path);
}

}  // namespace kopt
