// SPDX-License-Identifier: Apache-2.0
// `kopt export --task T --out DIR [--format cu|torch]`: the leaderboard's winning kernels of a
// task, one per GPU. cu: a .cu file with a header of its measurements and its launch block.
// torch: a Python package registering the kernel as a PyTorch operator, with its cubin compiled
// here by NVRTC exactly as the evaluator compiled it (results/torch_package.h).
#include "cli/print.h"
#include "cli/store_access.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/nvrtc_compiler.h"
#include "results/export.h"
#include "results/torch_package.h"

namespace kopt::cli {
namespace {

struct ExportOptions {
  LeaderboardFilter filter;
  std::string out;
  std::string format = "cu";
  std::string arch;  // "" = the arch of the run that measured the kernel
  bool json = false;
};

struct Written {
  ExportedKernel kernel;
  std::string op;  // torch only
};

// The cubin of the item's kernel for `arch`, compiled as the evaluator compiles it.
std::string CompileForExport(const ExportItem& item, const Task& task, const std::string& arch) {
  const NewCandidate& c = item.candidate.candidate;
  std::string file = c.file.value_or("kernel.cu");
  LaunchBlock block = ParseLaunchBlock(c.source, file);
  NvrtcCompiler compiler(DefaultCacheDir(), SelfExecutable());
  CompileOutput out = compiler.Compile(
      CandidateCompileRequest(task, arch, c.source, file, block, c.tunables, DeviceLimits{}));
  if (!out.ok) {
    throw Error("candidate " + std::to_string(item.entry.best->candidate_id) + " of " + task.name +
                " does not compile for " + arch + " with NVRTC " + NvrtcVersion() + ":\n" +
                out.info.log);
  }
  return out.cubin;
}

Written ExportTorch(Store& store, const ExportItem& item, const ExportOptions& o) {
  std::optional<TaskRecord> row = store.GetTask(item.entry.task_id);
  KOPT_CHECK(row.has_value());
  Task task = ParseTask(row->task_json, row->name + "/task.json (as stored)");
  std::string arch = o.arch.empty() ? item.arch : o.arch;
  if (arch.empty()) {
    throw ConfigError("--arch: the store does not say which GPU architecture measured " +
                      item.entry.task + " on " + item.entry.device +
                      "; name it, e.g. --arch sm_90a");
  }
  ComputeCapabilityOf(arch);  // a bad --arch fails before compiling
  if (!item.arch.empty() && arch != item.arch) {
    PrintError(
        "kopt: warning: %s was measured on %s (%s); the package is compiled for %s, where "
        "kopt never checked it\n",
        item.entry.task.c_str(), item.entry.device.c_str(), item.arch.c_str(), arch.c_str());
  }
  TorchPackage package = MakeTorchPackage(item, task, arch, CompileForExport(item, task, arch));
  const LeaderboardBest& best = *item.entry.best;
  return {{WriteTorchPackage(package, o.out), item.entry.task, item.entry.device, best.candidate_id,
           best.evaluation_id},
          package.op};
}

int RunExport(const ExportOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::vector<Written> written;
  if (o.format == "torch") {
    for (const ExportItem& item : ExportItems(*store, o.filter)) {
      written.push_back(ExportTorch(*store, item, o));
    }
  } else {
    for (ExportedKernel& k : ExportBest(*store, o.filter, o.out)) written.push_back({k, ""});
  }
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& w : written) {
      j.push_back({{"path", w.kernel.path},
                   {"format", o.format},
                   {"task", w.kernel.task},
                   {"device", w.kernel.device},
                   {"candidate_id", w.kernel.candidate_id},
                   {"evaluation_id", w.kernel.evaluation_id}});
      if (!w.op.empty()) j.back()["op"] = w.op;
    }
    PrintJson(j);
  } else {
    for (const auto& w : written) {
      Print("%s  (candidate %lld on %s%s)\n", w.kernel.path.c_str(),
            static_cast<long long>(w.kernel.candidate_id), w.kernel.device.c_str(),
            w.op.empty() ? "" : ("; torch.ops.kopt." + w.op.substr(w.op.rfind(':') + 1)).c_str());
    }
  }
  if (written.empty()) {
    PrintError("kopt: no correct kernel of task '%s'%s in %s to export\n", o.filter.task.c_str(),
               o.filter.gpu.empty() ? "" : (" on " + o.filter.gpu).c_str(), global.db_path.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupExport(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<ExportOptions>();
  cmd->add_option("--task", options->filter.task, "Task name (or a hash prefix)")->required();
  cmd->add_option("--out", options->out, "Folder to write into (created when missing)")->required();
  cmd->add_option("--suite", options->filter.suite, "Only this suite");
  cmd->add_option("--gpu", options->filter.gpu, "Only GPUs whose name contains this (any case)");
  cmd->add_option("--format", options->format,
                  "cu: a .cu file per GPU; torch: a Python package per GPU with the kernel as a "
                  "PyTorch operator (compiled here with NVRTC)")
      ->check(CLI::IsMember({"cu", "torch"}));
  cmd->add_option("--arch", options->arch,
                  "torch: the NVRTC target to compile for (default: the measured GPU's, e.g. "
                  "sm_90a)");
  cmd->add_flag("--json", options->json, "List what was written as JSON");
  return [&global, options] { return RunExport(*options, global); };
}

}  // namespace kopt::cli
