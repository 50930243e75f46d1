// SPDX-License-Identifier: Apache-2.0
#include "cli/torch_baselines.h"

#include "evaluator/torch_baseline.h"

namespace kopt::cli {
namespace {

TorchBaselineRecord Record(const TorchBaseline& b, const TorchInfo& info, std::int64_t run_id,
                           std::int64_t task_id, const std::string& device) {
  TorchBaselineRecord r;
  r.task_id = task_id;
  r.run_id = run_id;
  r.device = device;
  r.mode = std::string(TorchModeName(b.mode));
  r.python_version = info.python_version;
  r.torch_version = info.torch_version;
  r.triton_version = info.triton_version;
  r.event_ms = b.event_ms;
  r.compile_ms = b.compile_ms;
  r.checked_sizes = b.checked;
  r.error = b.error;
  return r;
}

bool SameTorch(const std::optional<TorchBaselineRecord>& stored, const TorchInfo& info) {
  return stored && stored->python_version == info.python_version &&
         stored->torch_version == info.torch_version &&
         stored->triton_version == info.triton_version;
}

}  // namespace

void AddTorchOptions(CLI::App* command, TorchOptions& options) {
  command->add_option("--python", options.python,
                      "Python with PyTorch for the eager and torch.compile baselines (default: "
                      "python3 on PATH)");
  command->add_flag("--no-torch", options.off, "Skip the PyTorch baselines");
}

std::unique_ptr<TorchRunner> MakeTorchRunner(const TorchOptions& options, int device) {
  if (options.off) return nullptr;
  TorchRunnerOptions o;
  o.python = FindPython(options.python);
  o.device = device;
  return std::make_unique<TorchRunner>(o);
}

StoredTorchBaselines EnsureTorchBaselines(Store& store, std::int64_t run_id, std::int64_t task_id,
                                          const Task& task, const std::string& device,
                                          CudaEvaluator& gpu, TorchRunner* runner, bool force) {
  StoredTorchBaselines out{store.FindTorchBaseline(task.content_hash, device, "eager"),
                           store.FindTorchBaseline(task.content_hash, device, "compile")};
  if (!runner || !runner->info().ok() || task.torch.empty()) return out;
  const TorchInfo& info = runner->info();
  if (!force && SameTorch(out.eager, info) && SameTorch(out.compiled, info)) return out;
  TorchBaselines measured = MeasureTorchBaselines(gpu, *runner, task);
  store.RecordTorchBaseline(Record(measured.eager, info, run_id, task_id, device));
  store.RecordTorchBaseline(Record(measured.compiled, info, run_id, task_id, device));
  return {store.FindTorchBaseline(task.content_hash, device, "eager"),
          store.FindTorchBaseline(task.content_hash, device, "compile")};
}

std::string TorchRunnerText(TorchRunner* runner) {
  if (!runner) return "off (--no-torch)";
  const TorchInfo& info = runner->info();
  if (!info.ok()) return "none: " + info.error;
  return "PyTorch " + info.torch_version +
         (info.triton_version.empty() ? " (no Triton)" : " (Triton " + info.triton_version + ")") +
         " in " + info.python + " (Python " + info.python_version + ")";
}

}  // namespace kopt::cli
