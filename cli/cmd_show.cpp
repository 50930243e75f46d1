// SPDX-License-Identifier: Apache-2.0
// `kopt show ID`: one candidate from the results store: its origin and plan, its lineage up to
// the task's reference, every evaluation of its kernel, and its source.
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/validators.h"
#include "core/text.h"

#include <map>

namespace kopt::cli {
namespace {

struct ShowOptions {
  std::int64_t id = 0;
  std::string format = "table";
};

nlohmann::json OptJson(const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json CandidateJson(const CandidateRecord& r) {
  const NewCandidate& c = r.candidate;
  return {{"id", r.id},
          {"task_id", c.task_id},
          {"run_id", OptJson(c.run_id)},
          {"parent_id", OptJson(c.parent_id)},
          {"proposer", c.proposer},
          {"model", OptJson(c.model)},
          {"plan", OptJson(c.plan)},
          {"menu_option_id", OptJson(c.menu_option_id)},
          {"iteration", OptJson(c.iteration)},
          {"tunables", TunablesToJson(c.tunables)},
          {"file", OptJson(c.file)},
          {"source_hash", r.source_hash},
          {"eval_key", c.key},
          {"created_at", r.created_at}};
}

void PrintIndented(const std::string& text, std::size_t max_lines) {
  std::size_t start = 0, lines = 0;
  while (start < text.size() && lines < max_lines) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    Print("    %s\n", line.c_str());
    ++lines;
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  if (start < text.size()) Print("    ... (--format json has all of it)\n");
}

// The task's newest PyTorch measurements on each GPU an evaluation ran on.
struct TorchOnDevice {
  std::optional<TorchBaselineRecord> eager, compiled;
};

void PrintOverTorch(const char* what, const std::optional<TorchBaselineRecord>& b,
                    const EvalResult& r) {
  if (!b || !b->event_ms || !r.timing) return;
  Print("           %s over %s (%.4f ms, PyTorch %s)\n",
        SpeedupText(CompareMedians(*b->event_ms, r.timing->event_ms)).c_str(), what,
        b->event_ms->median, b->torch_version.c_str());
}

nlohmann::json OverTorchJson(const std::optional<TorchBaselineRecord>& b, const EvalResult& r) {
  if (!b || !b->event_ms || !r.timing) return nullptr;
  Speedup s = CompareMedians(*b->event_ms, r.timing->event_ms);
  return {{"median_ms", b->event_ms->median},
          {"torch", b->torch_version},
          {"speedup", {{"value", s.value}, {"low", s.low}, {"high", s.high}}}};
}

void PrintEvaluation(const EvaluationRecord& e, const TorchOnDevice& torch) {
  const EvalResult& r = e.result;
  Print("  #%-6lld %s  %-26s %-13s", static_cast<long long>(e.id), ShortTime(e.created_at).c_str(),
        e.device.c_str(), std::string(EvalStatusName(r.status)).c_str());
  if (r.timing) {
    Print(" %.4f ms (p10 %.4f, p90 %.4f, n %zu)", r.timing->event_ms.median, r.timing->event_ms.p10,
          r.timing->event_ms.p90, r.timing->event_ms.n);
  }
  if (e.run_id) Print("  run %lld", static_cast<long long>(*e.run_id));
  Print("\n");
  if (r.timing && !r.timing->launch_variant.empty()) {
    Print("           timed %s\n", r.timing->launch_variant.c_str());
  }
  if (r.speedup) Print("           %s over the reference\n", SpeedupText(r.speedup).c_str());
  if (r.baseline_speedup) {
    Print("           %s over %s\n", SpeedupText(r.baseline_speedup).c_str(),
          r.baseline ? r.baseline->name.c_str() : "the baseline");
  }
  PrintOverTorch("PyTorch eager", torch.eager, r);
  PrintOverTorch("torch.compile", torch.compiled, r);
  if (r.roofline) {
    Print("           %.1f%% of the roofline (%s bound)%s\n", r.roofline->fraction * 100,
          r.roofline->bound.c_str(),
          r.roofline->suspicious ? "  SUSPICIOUS: faster than the roofline allows" : "");
  }
  if (!r.ok() && !r.message.empty()) PrintIndented(r.message, 12);
}

int RunShow(const ShowOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::optional<CandidateRecord> candidate = store->GetCandidate(o.id);
  if (!candidate) {
    throw ConfigError("kopt show " + std::to_string(o.id) + ": no candidate " +
                      std::to_string(o.id) + " in " + global.db_path);
  }
  std::optional<TaskRecord> task = store->GetTask(candidate->candidate.task_id);
  KOPT_CHECK(task.has_value());
  std::vector<CandidateRecord> lineage = store->Lineage(o.id);
  std::vector<EvaluationRecord> evaluations = store->EvaluationsOf(o.id);
  std::map<std::string, TorchOnDevice> torch;
  for (const auto& e : evaluations) {
    if (torch.count(e.device)) continue;
    torch[e.device] = {store->FindTorchBaseline(task->content_hash, e.device, "eager"),
                       store->FindTorchBaseline(task->content_hash, e.device, "compile")};
  }

  if (o.format == "json") {
    nlohmann::json j = CandidateJson(*candidate);
    j["source"] = candidate->candidate.source;
    j["task"] = {{"id", task->id},
                 {"name", task->name},
                 {"suite", task->suite},
                 {"content_hash", task->content_hash}};
    j["lineage"] = nlohmann::json::array();
    for (const auto& c : lineage) j["lineage"].push_back(CandidateJson(c));
    j["evaluations"] = nlohmann::json::array();
    for (const auto& e : evaluations) {
      j["evaluations"].push_back(
          {{"id", e.id},
           {"candidate_id", e.candidate_id},
           {"run_id", OptJson(e.run_id)},
           {"device", e.device},
           {"timed", e.timed},
           {"created_at", e.created_at},
           {"over_torch_eager", OverTorchJson(torch[e.device].eager, e.result)},
           {"over_torch_compile", OverTorchJson(torch[e.device].compiled, e.result)},
           {"result", ToJson(e.result)}});
    }
    PrintJson(j);
    return kExitOk;
  }

  const NewCandidate& c = candidate->candidate;
  Print("candidate %lld of %s/%s (task version %s)\n", static_cast<long long>(o.id),
        task->suite.c_str(), task->name.c_str(), task->content_hash.substr(0, 12).c_str());
  std::string model = c.model ? " (" + *c.model + ")" : "";
  Print("proposer   %s%s\n", c.proposer.c_str(), model.c_str());
  if (c.run_id) Print("run        %lld\n", static_cast<long long>(*c.run_id));
  if (c.iteration) Print("iteration  %d\n", *c.iteration);
  if (c.menu_option_id) Print("menu       %s\n", c.menu_option_id->c_str());
  if (!c.tunables.empty()) Print("tunables   %s\n", SymbolsText(c.tunables).c_str());
  if (c.file) Print("file       %s\n", c.file->c_str());
  Print("created    %s\n", ShortTime(candidate->created_at).c_str());
  if (c.plan) {
    Print("plan\n");
    PrintIndented(*c.plan, 40);
  }
  Print("lineage\n");
  for (const auto& l : lineage) {
    std::string plan = l.candidate.plan ? FirstLine(*l.candidate.plan, 60) : "";
    std::string menu = l.candidate.menu_option_id ? "[" + *l.candidate.menu_option_id + "] " : "";
    Print("  %-7lld %-10s %s%s\n", static_cast<long long>(l.id), l.candidate.proposer.c_str(),
          menu.c_str(), plan.c_str());
  }
  Print("evaluations (%zu)\n", evaluations.size());
  for (const auto& e : evaluations) PrintEvaluation(e, torch[e.device]);
  Print("source\n%s", c.source.c_str());
  if (!c.source.empty() && c.source.back() != '\n') Print("\n");
  return kExitOk;
}

}  // namespace

CommandRunner SetupShow(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<ShowOptions>();
  cmd->add_option("id", options->id, "Candidate id (from kopt leaderboard or kopt eval)")
      ->required()
      ->check(Positive());
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  return [&global, options] { return RunShow(*options, global); };
}

}  // namespace kopt::cli
