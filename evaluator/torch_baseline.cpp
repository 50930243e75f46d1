// SPDX-License-Identifier: Apache-2.0
#include "evaluator/torch_baseline.h"

#include "core/compare.h"
#include "core/error.h"
#include "core/host_values.h"

#include <span>

namespace kopt {
namespace {

struct Split {
  std::vector<HostTensor> inputs, outputs;
};

Split ByRole(std::vector<HostTensor> tensors) {
  Split s;
  for (auto& t : tensors) {
    (t.role == TensorRole::kInput ? s.inputs : s.outputs).push_back(std::move(t));
  }
  return s;
}

std::span<const unsigned char> Bytes(const HostTensor& t) {
  return {reinterpret_cast<const unsigned char*>(t.bytes.data()), t.bytes.size()};
}

// "" when every output of PyTorch is within the task's tolerance of the reference's.
std::string Disagreement(const Task& task, const std::vector<HostTensor>& expected,
                         const std::vector<HostTensor>& actual) {
  for (std::size_t o = 0; o < expected.size(); ++o) {
    const HostTensor& e = expected[o];
    CompareReport report = CompareOutputs(ToDoubles(e.dtype, Bytes(e)),
                                          ToDoubles(e.dtype, Bytes(actual[o])), task.tolerance);
    if (!report.ok) return DescribeMismatch(e.name, e.shape, report, task.tolerance);
  }
  return "";
}

void FailBoth(TorchBaselines& b, const std::string& error) {
  b.eager.error = b.compiled.error = error;
}

}  // namespace

TorchBaselines MeasureTorchBaselines(CudaEvaluator& gpu, TorchRunner& runner, const Task& task,
                                     const TorchBaselineOptions& options) {
  TorchBaselines b;
  if (task.torch.empty()) {
    FailBoth(b, "task " + task.name + " states no PyTorch equivalent (task.json \"torch\")");
    return b;
  }
  if (!runner.info().ok()) {
    FailBoth(b, runner.info().error);
    return b;
  }
  // The timed size once (its tensors are the timing inputs), then every check size and seed.
  Split timed;
  int checked = 0;
  std::vector<SymbolTable> sizes = task.AllSizes();
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const SymbolTable& size = sizes[k];
    int seeds = k == 0 && sizes.size() > 1 ? 1 : options.seeds;
    for (int seed = 1; seed <= seeds; ++seed) {
      std::string where = "size " + SymbolsText(size) + ", seed " + std::to_string(seed);
      Split ref;
      try {
        ref = ByRole(gpu.RunReference(task, size, static_cast<std::uint64_t>(seed)));
      } catch (const Error& e) {
        // The task's own reference failed here: an error of this task, not of the command.
        FailBoth(b, "no reference outputs to check PyTorch against (" + where + "): " + e.what());
        return b;
      }
      TorchRun run = runner.Run(task.torch, size, ref.inputs, ref.outputs, options.timeout_s);
      if (!run.ok()) {
        FailBoth(b, "the PyTorch expression of task " + task.name + " failed (" + where +
                        "): " + run.error);
        return b;
      }
      if (std::string why = Disagreement(task, ref.outputs, run.outputs); !why.empty()) {
        FailBoth(b, "task " + task.name +
                        ": its PyTorch expression disagrees with its reference (" + where +
                        "): " + why + "; fix the task's \"torch\" or its reference");
        return b;
      }
      ++checked;
      if (timed.inputs.empty()) timed = std::move(ref);
    }
  }
  std::size_t flush = L2FlushBytes(gpu.Device());
  for (TorchBaseline* m : {&b.eager, &b.compiled}) {
    m->checked = checked;
    TorchTiming t = gpu.WithIdleGpu([&] {
      return runner.Time(task.torch, m->mode, task.symbols, timed.inputs, timed.outputs,
                         options.timing, flush, options.timeout_s);
    });
    if (!t.ok()) {
      m->error = t.error;
      continue;
    }
    m->event_ms = t.event_ms;
    m->compile_ms = t.compile_ms;
  }
  return b;
}

}  // namespace kopt
