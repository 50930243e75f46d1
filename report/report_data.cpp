// SPDX-License-Identifier: Apache-2.0
#include "report/report_data.h"

#include "core/text.h"
#include "results/schedule_extraction.h"

#include <algorithm>
#include <string_view>

namespace kopt {
namespace {

// The evaluations `e` of one task (?1) on one GPU (?2), of one run when ?3 is not NULL.
constexpr std::string_view kTaskOnGpuInRun =
    "e.task_id = ?1 AND e.device = ?2 AND (?3 IS NULL OR e.run_id = ?3)";

// The task's evaluations on one GPU in recording order, with the LLM dollars spent on the task
// by then (calls recorded at or before the evaluation).
void ReadProgress(Store& store, const LeaderboardEntry& e, const ReportFilter& f,
                  TaskSection& section) {
  store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(
        "SELECT e.status, e.event_median_ms, e.suspicious, "
        "(SELECT coalesce(sum(c.cost_usd), 0) FROM llm_calls c WHERE c.task_id = e.task_id "
        " AND c.created_at <= e.created_at AND (?3 IS NULL OR c.run_id = ?3)) "
        "FROM evaluations e WHERE " +
        std::string(kTaskOnGpuInRun) + " ORDER BY e.id");
    q->BindAll(e.task_id, e.device, f.run_id);
    std::optional<double> best;
    int n = 0;
    while (q->Step()) {
      ++n;
      std::string status = q->Text(0);
      ++section.statuses[status];
      std::optional<double> ms = q->OptReal(1);
      if (status == "correct" && ms && q->Int(2) == 0 && (!best || *ms < *best)) best = ms;
      if (best) section.progress.push_back({n, *best, q->Real(3)});
    }
    return 0;
  });
}

std::optional<ProfileFields> CountersOf(Store& store, const std::string& hash,
                                        const std::string& key, const std::string& device) {
  std::optional<EvaluationRecord> e = store.FindEvaluation(hash, key, device, true);
  if (!e || !e->result.profile || !e->result.profile->counters) return std::nullopt;
  return e->result.profile->summary.fields;
}

void ReadLineage(Store& store, const LeaderboardEntry& e, TaskSection& section) {
  if (!e.best) return;
  std::optional<Schedule> s = ExtractSchedule(store, e.best->candidate_id, e.device);
  std::vector<CandidateRecord> chain = store.Lineage(e.best->candidate_id);  // winner first
  std::reverse(chain.begin(), chain.end());
  if (!s || chain.size() != s->steps.size() + 1) return;
  for (std::size_t i = 0; i < s->steps.size(); ++i) {
    const ScheduleStep& step = s->steps[i];
    LineageStep out;
    out.option = step.option;
    out.proposer = step.proposer;
    out.plan = step.plan;
    out.latency_ms = step.latency_ms;
    out.gain = step.gain;
    out.speedup = step.speedup;
    out.diff = DiffHunks(DiffLines(chain[i].candidate.source, chain[i + 1].candidate.source));
    out.counters = CountersOf(store, e.task_hash, chain[i + 1].candidate.key, e.device);
    out.previous_counters = CountersOf(store, e.task_hash, chain[i].candidate.key, e.device);
    section.lineage.push_back(std::move(out));
  }
}

void ReadRoofline(Store& store, const LeaderboardEntry& e, const ReportFilter& f,
                  TaskSection& section) {
  store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(
        "SELECT c.id, c.proposer, min(e.event_median_ms), e.roofline_fraction, "
        "coalesce(e.roofline_bound, '') FROM evaluations e JOIN candidates c ON c.id = "
        "e.candidate_id WHERE " +
        std::string(kTaskOnGpuInRun) +
        " AND e.status = 'correct' AND e.suspicious = 0 AND e.roofline_fraction IS NOT NULL "
        "AND e.event_median_ms IS NOT NULL GROUP BY e.eval_key ORDER BY 3 LIMIT 5");
    q->BindAll(e.task_id, e.device, f.run_id);
    while (q->Step()) {
      section.roofline.push_back({q->Int(0), q->Text(1), q->Real(2), q->Real(3), q->Text(4)});
    }
    return 0;
  });
}

RunSection ReadRun(Store& store, const RunSummary& summary) {
  RunSection run{summary};
  store.WithDatabase([&](Database& db) {
    Query calls = db.Prepare(
        "SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0) FROM llm_calls "
        "WHERE run_id = ?1");
    calls->BindAll(summary.run.id);
    if (calls->Step()) run.input_tokens = calls->Int(0), run.output_tokens = calls->Int(1);
    Query gpu = db.Prepare("SELECT coalesce(sum(wall_ms), 0) FROM evaluations WHERE run_id = ?1");
    gpu->BindAll(summary.run.id);
    if (gpu->Step()) run.gpu_s = gpu->Real(0) / 1000;
    return 0;
  });
  return run;
}

}  // namespace

ReportData QueryReport(Store& store, const std::string& db_path, const ReportFilter& filter) {
  ReportData data;
  data.db_path = db_path;
  data.filter = filter;
  data.board = QueryLeaderboard(store, {.suite = filter.suite, .run_id = filter.run_id});
  for (const LeaderboardEntry& e : data.board.entries) {
    TaskSection& section = data.tasks.emplace_back();
    section.entry = e;
    ReadProgress(store, e, filter, section);
    ReadLineage(store, e, section);
    ReadRoofline(store, e, filter, section);
  }
  for (const RunSummary& r : store.ListRuns()) {
    if (filter.run_id && r.run.id != *filter.run_id) continue;
    if (r.run.info.command != "optimize" && r.run.info.command != "reuse" && !filter.run_id) {
      continue;
    }
    data.runs.push_back(ReadRun(store, r));
  }
  return data;
}

}  // namespace kopt
