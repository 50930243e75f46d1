// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/gpu_worker.h"

#include "core/roofline.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker/builtin_kernels.h"
#include "evaluator/worker/cuda_driver.h"
#include "evaluator/worker/cupti_kernel_timer.h"
#include "evaluator/worker/cupti_profiler.h"
#include "evaluator/worker/evaluation.h"
#include "evaluator/worker/peak_cache.h"
#include "evaluator/worker/sample_timer.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

namespace kopt {

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
  flush_ = std::make_unique<GuardedBuffer>(L2FlushBytes(context_.device()));
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
  std::optional<Evaluation> evaluation;  // outlives a failure, for the stages it measured
  try {
    evaluation.emplace(*this, job, progress);
    reply.result = evaluation->Run();
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
  if (evaluation) reply.result.stage_ms = evaluation->stages();
  return reply;
}

}  // namespace kopt
