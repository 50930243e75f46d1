// SPDX-License-Identifier: Apache-2.0
#include "results/schedule_extraction.h"

#include "core/error.h"
#include "core/task.h"
#include "core/text.h"
#include "results/schedule_store.h"

#include <algorithm>
#include <set>

namespace kopt {
namespace {

// A child of a step's parent: the columns the negative evidence needs.
struct Sibling {
  std::string key;
  std::string option;
  std::string plan;
};

std::string OptionOf(const NewCandidate& c) {
  if (c.menu_option_id && !c.menu_option_id->empty()) return *c.menu_option_id;
  if (c.proposer == "llm") return kInventedOption;
  return c.proposer;  // starter, user, tune
}

std::vector<Sibling> ChildrenOfKernel(Store& store, std::int64_t task_id,
                                      const std::string& parent_key) {
  return store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(
        "SELECT eval_key, menu_option_id, proposer, plan FROM candidates WHERE parent_id IN "
        "(SELECT id FROM candidates WHERE task_id = ?1 AND eval_key = ?2) ORDER BY id");
    q->BindAll(task_id, parent_key);
    std::vector<Sibling> out;
    while (q->Step()) {
      NewCandidate c;
      c.menu_option_id = q->OptText(1);
      c.proposer = q->Text(2);
      out.push_back({q->Text(0), OptionOf(c), FirstLine(q->OptText(3).value_or(""), 120)});
    }
    return out;
  });
}

std::optional<double> MedianOf(const std::optional<EvaluationRecord>& e) {
  if (!e || !e->result.ok() || !e->result.timing) return std::nullopt;
  return e->result.timing->event_ms.median;
}

}  // namespace

std::optional<Schedule> ExtractSchedule(Store& store, std::int64_t winner_id,
                                        const std::string& device) {
  std::vector<CandidateRecord> lineage = store.Lineage(winner_id);  // winner first
  std::reverse(lineage.begin(), lineage.end());
  if (lineage.size() < 2) return std::nullopt;
  std::optional<TaskRecord> task_row = store.GetTask(lineage.front().candidate.task_id);
  if (!task_row) return std::nullopt;
  const std::string& hash = task_row->content_hash;
  std::optional<EvaluationRecord> final_eval =
      store.FindEvaluation(hash, lineage.back().candidate.key, device, true);
  if (!MedianOf(final_eval)) return std::nullopt;

  Task task = ParseTask(task_row->task_json, task_row->name + "/task.json");
  task.content_hash = hash;
  Schedule s;
  s.task = ProfileOf(task, task_row->suite);
  s.gpu = device;
  s.arch = ArchOfRun(store, final_eval->run_id);
  s.latency_ms = MedianOf(final_eval);
  if (final_eval->result.speedup) s.speedup = final_eval->result.speedup->value;
  s.source_candidate_id = winner_id;
  s.kernel_source = lineage.back().candidate.source;

  std::optional<double> previous;  // the parent's median on this GPU
  if (final_eval->result.reference_timing) {
    previous = final_eval->result.reference_timing->event_ms.median;
  }
  for (std::size_t i = 1; i < lineage.size(); ++i) {
    const NewCandidate& c = lineage[i].candidate;
    std::optional<EvaluationRecord> e = store.FindEvaluation(hash, c.key, device, true);
    ScheduleStep step;
    step.option = OptionOf(c);
    step.plan = c.plan.value_or("");
    step.proposer = c.proposer;
    step.kernel_key = c.key;
    step.tunables = c.tunables;
    step.latency_ms = MedianOf(e);
    if (e && e->result.speedup) step.speedup = e->result.speedup->value;
    if (previous && step.latency_ms) step.gain = *previous / *step.latency_ms;

    std::set<std::string> seen = {c.key};
    for (const Sibling& sib : ChildrenOfKernel(store, c.task_id, lineage[i - 1].candidate.key)) {
      if (!seen.insert(sib.key).second) continue;
      std::optional<EvaluationRecord> se = store.FindEvaluation(hash, sib.key, device, false);
      if (!se) continue;  // not measured on this GPU
      std::optional<double> median = MedianOf(se);
      bool helped = median && previous && *median < *previous;
      if (helped || (se->result.ok() && !median)) continue;  // helped, or correct but untimed
      std::optional<double> speedup;
      if (se->result.speedup) speedup = se->result.speedup->value;
      std::string status =
          se->result.ok() ? "slower" : std::string(EvalStatusName(se->result.status));
      step.tried.push_back({sib.option, sib.plan, status, speedup});
    }
    if (step.latency_ms) previous = step.latency_ms;
    s.steps.push_back(std::move(step));
  }
  return s;
}

int RecordWinnersSchedules(Store& store, const LeaderboardFilter& filter) {
  int added = 0;
  for (const LeaderboardEntry& entry : QueryLeaderboard(store, filter).entries) {
    if (!entry.best) continue;
    try {
      std::optional<Schedule> s = ExtractSchedule(store, entry.best->candidate_id, entry.device);
      if (s && SaveSchedule(store, *s, entry.task_id).added) ++added;
    } catch (const ConfigError&) {
      // A task stored by an older kopt whose task.json this one no longer reads: it keeps its
      // leaderboard entry and simply has no schedule.
    }
  }
  return added;
}

}  // namespace kopt
