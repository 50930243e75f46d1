// SPDX-License-Identifier: Apache-2.0
#include "cli/search_report.h"

#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"

#include <cstdio>

namespace kopt::cli {

std::string Money(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", usd);
  return buf;
}

// The winner over one PyTorch baseline, "error" when it has no timing, "-" when there is none.
std::string OverTorch(const EvalResult& r, const std::optional<TorchBaselineRecord>& torch) {
  if (!torch) return "-";
  if (!torch->event_ms) return "error";
  if (!r.timing) return "-";
  return SpeedupText(CompareMedians(*torch->event_ms, r.timing->event_ms));
}

void PrintSummary(const std::vector<TaskOutcome>& outcomes, const std::vector<Task>& tasks,
                  const std::function<double(const Task&)>& spend,
                  const std::map<std::string, StoredTorchBaselines>& torch) {
  Table table({{"task", 30},
               {"best by", 9},
               {"latency", 10, true},
               {"vs reference", 22},
               {"vs vendor", 18},
               {"vs torch eager", 18},
               {"vs torch.compile", 18},
               {"roofline", 8, true},
               {"correct", 9, true},
               {"its", 4, true},
               {"stopped", 0, false, "  "}});
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const TaskOutcome& o = outcomes[i];
    std::string by = "-", latency = "-", vs_ref = "-", vs_vendor = "-", roof = "-";
    std::string vs_eager = "-", vs_compile = "-";
    if (o.best) {
      const EvalResult& r = o.best->result;
      by = o.best->provenance.proposer;
      char buf[64];
      if (r.timing) {
        std::snprintf(buf, sizeof buf, "%.4f ms", r.timing->event_ms.median);
        latency = buf;
      }
      vs_ref = SpeedupText(r.speedup);
      vs_vendor = SpeedupText(r.baseline_speedup);
      if (auto it = torch.find(tasks[i].content_hash); it != torch.end()) {
        vs_eager = OverTorch(r, it->second.eager);
        vs_compile = OverTorch(r, it->second.compiled);
      }
      if (r.roofline) {
        std::snprintf(buf, sizeof buf, "%.0f%%", r.roofline->fraction * 100);
        roof = buf;
      }
    }
    std::string correct = std::to_string(o.correct) + "/" + std::to_string(o.candidates);
    std::string stop = o.stop_reason;
    double usd = spend(tasks[i]);
    if (usd > 0) stop += ", " + Money(usd);
    table.Add({o.task, by, latency, vs_ref, vs_vendor, vs_eager, vs_compile, roof, correct,
               std::to_string(o.iterations_run), stop});
  }
  Print("\n%s", table.Aligned().c_str());
}

nlohmann::json OutcomeJson(const TaskOutcome& o, double usd) {
  nlohmann::json j = {{"task", o.task},
                      {"candidates", o.candidates},
                      {"correct", o.correct},
                      {"duplicates", o.duplicates},
                      {"statuses", o.statuses},
                      {"iterations", o.iterations_run},
                      {"stop_reason", o.stop_reason},
                      {"wall_s", o.wall_s},
                      {"eval_s", o.eval_s},
                      {"llm_usd", usd}};
  if (o.best) {
    j["best"] = {{"key", o.best->candidate.key},
                 {"proposer", o.best->provenance.proposer},
                 {"history", o.best->history},
                 {"result", ToJson(o.best->result)}};
  }
  return j;
}

}  // namespace kopt::cli
