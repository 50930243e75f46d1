// SPDX-License-Identifier: Apache-2.0
#include "results/leaderboard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace kopt {
namespace {

using nlohmann::json;

bool IsHashPrefix(const std::string& s) {
  return s.size() >= 6 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// One kernel's latest evaluation on one GPU, as much as choosing a winner needs.
struct Latest {
  std::int64_t evaluation_id = 0;
  bool correct = false;
  bool suspicious = false;
  std::optional<double> median_ms;
  double p90_ms = 0;
};

// Folded while scanning: how many kernels, how many correct, the winner so far, and the
// suspicious results (rare) to compare with the winner at the end.
struct Group {
  std::int64_t kernels = 0;
  std::int64_t correct = 0;
  std::optional<Latest> best;
  std::vector<Latest> suspicious;
};

// The ids of the task versions a filter admits; parameters ?3 suite, ?4 task, ?5 hash prefix.
constexpr const char* kTaskFilter =
    "SELECT id FROM tasks WHERE (?3 = '' OR suite = ?3) "
    "AND (?4 = '' OR name = ?4 OR (?5 AND substr(content_hash, 1, length(?4)) = ?4))";

// Lower median wins; then the tighter upper tail; then the earlier evaluation.
bool Faster(const Latest& a, const Latest& b) {
  return std::tie(*a.median_ms, a.p90_ms, a.evaluation_id) <
         std::tie(*b.median_ms, b.p90_ms, b.evaluation_id);
}

std::optional<Speedup> ReadSpeedup(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return Speedup{st.Real(column), st.Real(column + 1), st.Real(column + 2)};
}

LeaderboardBest ReadBest(Database& db, std::int64_t evaluation_id) {
  Query q = db.Prepare(
      "SELECT e.id, e.candidate_id, e.run_id, c.proposer, c.model, e.event_median_ms, "
      "e.event_p10_ms, e.event_p90_ms, e.event_n, e.kernel_median_ms, e.reference_median_ms, "
      "e.speedup, e.speedup_low, e.speedup_high, e.baseline_name, e.baseline_median_ms, "
      "e.baseline_speedup, e.baseline_speedup_low, e.baseline_speedup_high, "
      "e.roofline_fraction, e.roofline_bound, e.result_json "
      "FROM evaluations e JOIN candidates c ON c.id = e.candidate_id WHERE e.id = ?");
  q->BindAll(evaluation_id);
  KOPT_CHECK(q->Step());
  LeaderboardBest b;
  b.evaluation_id = q->Int(0);
  b.candidate_id = q->Int(1);
  b.run_id = q->OptInt(2);
  b.proposer = q->Text(3);
  b.model = q->OptText(4);
  b.event_ms.median = q->Real(5);
  b.event_ms.p10 = q->Real(6);
  b.event_ms.p90 = q->Real(7);
  b.event_ms.n = static_cast<std::size_t>(q->Int(8));
  b.kernel_median_ms = q->OptReal(9);
  b.reference_median_ms = q->OptReal(10);
  b.speedup = ReadSpeedup(*q, 11);
  b.baseline_name = q->OptText(14);
  b.baseline_median_ms = q->OptReal(15);
  b.baseline_speedup = ReadSpeedup(*q, 16);
  b.roofline_fraction = q->OptReal(19);
  b.roofline_bound = q->OptText(20).value_or("");
  json result = json::parse(q->Text(21), nullptr, false);
  if (result.is_object() && result.contains("sanitizer")) {
    b.sanitized = result["sanitizer"].value("clean", false);
  }
  // The spread, for comparisons with baselines measured apart (the columns keep no stddev).
  if (result.is_object() && result.contains("timing")) {
    const json& t = result["timing"]["event_ms"];
    b.event_ms.mean = t.value("mean", 0.0);
    b.event_ms.stddev = t.value("stddev", 0.0);
    b.launch_variant = result["timing"].value("launch_variant", "");
  }
  return b;
}

Leaderboard Compute(Database& db, const LeaderboardFilter& f) {
  const bool by_hash = IsHashPrefix(f.task);
  // The task versions the filter admits.
  struct TaskRow {
    std::string name, suite, hash;
  };
  std::map<std::int64_t, TaskRow> tasks;
  {
    Query q = db.Prepare("SELECT id, name, suite, content_hash FROM tasks WHERE id IN (" +
                         std::string(kTaskFilter) + ")");
    q->Bind(3, f.suite).Bind(4, f.task).Bind(5, by_hash ? 1 : 0);
    while (q->Step()) tasks[q->Int(0)] = {q->Text(1), q->Text(2), q->Text(3)};
  }

  // The latest evaluation of every kernel on every GPU. The scan reads only the covering index
  // evaluations_latest, in its order (task, kernel, GPU, id), so the last row before the key
  // changes is the latest of its kernel; it is folded into its (task, GPU) group at once. (This
  // is three times faster than GROUP BY with max(id).)
  std::vector<std::string> devices;  // distinct names; groups refer to them by index
  std::map<std::pair<std::int64_t, std::size_t>, Group> groups;
  auto fold = [&](std::int64_t task_id, std::string_view device, const Latest& k) {
    std::size_t d = 0;
    while (d < devices.size() && devices[d] != device) ++d;
    if (d == devices.size()) devices.emplace_back(device);
    Group& g = groups[{task_id, d}];
    ++g.kernels;
    if (!k.correct) return;
    ++g.correct;
    if (!k.median_ms) return;
    if (k.suspicious) {
      g.suspicious.push_back(k);
    } else if (!g.best || Faster(k, *g.best)) {
      g.best = k;
    }
  };
  {
    std::string sql =
        "SELECT id, task_id, eval_key, device, status = 'correct', suspicious, event_median_ms, "
        "coalesce(event_p90_ms, 0) FROM evaluations INDEXED BY evaluations_latest "
        "WHERE (?1 IS NULL OR run_id = ?1) AND (?2 = '' OR instr(lower(device), lower(?2)) > 0) ";
    const bool by_task = !f.suite.empty() || !f.task.empty();
    if (by_task) sql += "AND task_id IN (" + std::string(kTaskFilter) + ") ";
    Query q = db.Prepare(sql + "ORDER BY task_id, eval_key, device, id");
    q->Bind(1, f.run_id).Bind(2, f.gpu);
    if (by_task) q->Bind(3, f.suite).Bind(4, f.task).Bind(5, by_hash ? 1 : 0);
    // The row seen last, not yet folded: it is the latest of its kernel if the next row's key
    // differs.
    bool pending = false;
    std::int64_t pending_task = 0;
    std::string pending_key, pending_device;
    Latest pending_row;
    while (q->Step()) {
      std::int64_t task_id = q->Int(1);
      std::string_view key = q->TextView(2);
      std::string_view device = q->TextView(3);
      if (pending && (task_id != pending_task || key != pending_key || device != pending_device)) {
        if (tasks.count(pending_task)) fold(pending_task, pending_device, pending_row);
      }
      pending = true;
      pending_task = task_id;
      pending_key.assign(key);
      pending_device.assign(device);
      pending_row = {q->Int(0), q->Int(4) != 0, q->Int(5) != 0, q->OptReal(6), q->Real(7)};
    }
    if (pending && tasks.count(pending_task)) fold(pending_task, pending_device, pending_row);
  }

  struct Cost {
    double usd = 0;
    std::int64_t calls = 0, unpriced = 0;
  };
  std::map<std::int64_t, Cost> costs;
  {
    Query q = db.Prepare(
        "SELECT task_id, coalesce(sum(cost_usd), 0), count(*), sum(cost_usd IS NULL) "
        "FROM llm_calls WHERE task_id IS NOT NULL AND (?1 IS NULL OR run_id = ?1) "
        "GROUP BY task_id");
    q->BindAll(f.run_id);
    while (q->Step()) costs[q->Int(0)] = {q->Real(1), q->Int(2), q->Int(3)};
  }

  Leaderboard board;
  for (auto& [key, g] : groups) {
    const TaskRow& t = tasks.at(key.first);
    LeaderboardEntry e;
    e.task_id = key.first;
    e.task = t.name;
    e.suite = t.suite;
    e.task_hash = t.hash;
    e.device = devices[key.second];
    e.kernels = g.kernels;
    e.correct_kernels = g.correct;
    const Latest* best = g.best ? &*g.best : nullptr;
    for (const Latest& k : g.suspicious) {
      if (!best || Faster(k, *best)) ++e.suspicious_excluded;
    }
    if (best) e.best = ReadBest(db, best->evaluation_id);
    if (auto it = costs.find(e.task_id); it != costs.end()) {
      e.cost_usd = it->second.usd;
      e.llm_calls = it->second.calls;
      e.unpriced_llm_calls = it->second.unpriced;
    }
    board.entries.push_back(std::move(e));
  }
  std::sort(board.entries.begin(), board.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.suite, a.task, a.task_id, a.device) <
           std::tie(b.suite, b.task, b.task_id, b.device);
  });
  return board;
}

double GeoMean(const std::vector<double>& values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

// The newest PyTorch measurements of each entry's task and GPU, and the winner against them.
void AddTorchBaselines(Store& store, Leaderboard& board) {
  for (auto& e : board.entries) {
    e.torch_eager = store.FindTorchBaseline(e.task_hash, e.device, "eager");
    e.torch_compile = store.FindTorchBaseline(e.task_hash, e.device, "compile");
    if (!e.best) continue;
    if (e.torch_eager && e.torch_eager->event_ms) {
      e.best->eager_speedup = CompareMedians(*e.torch_eager->event_ms, e.best->event_ms);
    }
    if (e.torch_compile && e.torch_compile->event_ms) {
      e.best->compile_speedup = CompareMedians(*e.torch_compile->event_ms, e.best->event_ms);
    }
  }
}

// fast_p and the geometric mean over the tasks where `torch` was measured without error.
SpeedupSummary SummarizeOver(const std::vector<const LeaderboardEntry*>& members,
                             std::optional<TorchBaselineRecord> LeaderboardEntry::*torch,
                             std::optional<Speedup> LeaderboardBest::*speedup) {
  SpeedupSummary out;
  for (double p : kFastPThresholds) out.fast_p.push_back({p, 0, 0});
  std::vector<double> values;
  for (const LeaderboardEntry* e : members) {
    const auto& measured = e->*torch;
    if (!measured || !measured->event_ms) continue;
    ++out.tasks;
    if (!e->best) continue;
    const std::optional<Speedup>& sp = (*e->best).*speedup;
    if (!sp || sp->value <= 0) continue;
    values.push_back(sp->value);
    for (FastP& fp : out.fast_p) fp.tasks += sp->low > fp.p ? 1 : 0;
  }
  for (FastP& fp : out.fast_p) {
    fp.fraction = out.tasks > 0 ? static_cast<double>(fp.tasks) / out.tasks : 0;
  }
  if (!values.empty()) out.geomean = GeoMean(values);
  return out;
}

json OptionalJson(const std::optional<double>& v) { return v ? json(*v) : json(); }

json SpeedupJson(const std::optional<Speedup>& s) {
  if (!s) return json();
  return {{"value", s->value}, {"low", s->low}, {"high", s->high}};
}

json FastPJson(const std::vector<FastP>& fast_p) {
  json fast = json::object();
  for (const FastP& fp : fast_p) {
    char name[32];
    std::snprintf(name, sizeof name, "fast_%g", fp.p);
    fast[name] = fp.fraction;
  }
  return fast;
}

json SpeedupSummaryJson(const SpeedupSummary& s) {
  return {
      {"fast_p", FastPJson(s.fast_p)}, {"geomean", OptionalJson(s.geomean)}, {"tasks", s.tasks}};
}

json TorchJson(const std::optional<TorchBaselineRecord>& b) {
  if (!b) return json();
  json j = {{"torch", b->torch_version},
            {"triton", b->triton_version},
            {"python", b->python_version},
            {"median_ms", b->event_ms ? json(b->event_ms->median) : json()},
            {"p10_ms", b->event_ms ? json(b->event_ms->p10) : json()},
            {"p90_ms", b->event_ms ? json(b->event_ms->p90) : json()},
            {"n", b->event_ms ? json(b->event_ms->n) : json()},
            {"compile_ms", OptionalJson(b->compile_ms)},
            {"error", b->error}};
  return j;
}

}  // namespace

Leaderboard QueryLeaderboard(Store& store, const LeaderboardFilter& filter) {
  Leaderboard board = store.WithDatabase([&](Database& db) { return Compute(db, filter); });
  AddTorchBaselines(store, board);
  board.summaries = SummarizeSuites(board.entries);
  return board;
}

std::vector<SuiteSummary> SummarizeSuites(const std::vector<LeaderboardEntry>& entries) {
  std::map<std::pair<std::string, std::string>, std::vector<const LeaderboardEntry*>> groups;
  for (const auto& e : entries) groups[{e.suite, e.device}].push_back(&e);
  std::vector<SuiteSummary> out;
  for (const auto& [key, members] : groups) {
    SuiteSummary s;
    s.suite = key.first;
    s.device = key.second;
    s.tasks = static_cast<int>(members.size());
    std::vector<double> speedups, baseline_speedups;
    for (double p : kFastPThresholds) s.fast_p.push_back({p, 0, 0});
    for (const LeaderboardEntry* e : members) {
      s.cost_usd += e->cost_usd;
      if (!e->best) continue;
      ++s.correct;
      // A speedup of 0 means a median could not be measured: no figure.
      if (const auto& sp = e->best->speedup; sp && sp->value > 0) {
        speedups.push_back(sp->value);
        for (FastP& fp : s.fast_p) fp.tasks += sp->low > fp.p ? 1 : 0;
      }
      if (const auto& b = e->best->baseline_speedup; b && b->value > 0) {
        baseline_speedups.push_back(b->value);
      }
    }
    for (FastP& fp : s.fast_p) fp.fraction = static_cast<double>(fp.tasks) / s.tasks;
    if (!speedups.empty()) s.geomean_speedup = GeoMean(speedups);
    s.geomean_speedup_tasks = static_cast<int>(speedups.size());
    if (!baseline_speedups.empty()) s.geomean_baseline_speedup = GeoMean(baseline_speedups);
    s.geomean_baseline_tasks = static_cast<int>(baseline_speedups.size());
    s.over_eager =
        SummarizeOver(members, &LeaderboardEntry::torch_eager, &LeaderboardBest::eager_speedup);
    s.over_compile =
        SummarizeOver(members, &LeaderboardEntry::torch_compile, &LeaderboardBest::compile_speedup);
    out.push_back(std::move(s));
  }
  return out;
}

json ToJson(const LeaderboardEntry& e) {
  json j = {{"task", e.task},
            {"suite", e.suite},
            {"task_id", e.task_id},
            {"task_hash", e.task_hash},
            {"device", e.device},
            {"kernels", e.kernels},
            {"correct_kernels", e.correct_kernels},
            {"suspicious_excluded", e.suspicious_excluded},
            {"cost_usd", e.cost_usd},
            {"llm_calls", e.llm_calls},
            {"unpriced_llm_calls", e.unpriced_llm_calls},
            {"torch_eager", TorchJson(e.torch_eager)},
            {"torch_compile", TorchJson(e.torch_compile)},
            {"best", nullptr}};
  if (const auto& b = e.best) {
    j["best"] = {{"candidate_id", b->candidate_id},
                 {"evaluation_id", b->evaluation_id},
                 {"run_id", b->run_id ? json(*b->run_id) : json()},
                 {"proposer", b->proposer},
                 {"model", b->model ? json(*b->model) : json()},
                 {"median_ms", b->event_ms.median},
                 {"p10_ms", b->event_ms.p10},
                 {"p90_ms", b->event_ms.p90},
                 {"n", b->event_ms.n},
                 {"kernel_median_ms", OptionalJson(b->kernel_median_ms)},
                 {"reference_median_ms", OptionalJson(b->reference_median_ms)},
                 {"speedup", SpeedupJson(b->speedup)},
                 {"baseline", b->baseline_name ? json(*b->baseline_name) : json()},
                 {"baseline_median_ms", OptionalJson(b->baseline_median_ms)},
                 {"baseline_speedup", SpeedupJson(b->baseline_speedup)},
                 {"roofline_fraction", OptionalJson(b->roofline_fraction)},
                 {"roofline_bound", b->roofline_bound},
                 {"sanitized", b->sanitized},
                 {"eager_speedup", SpeedupJson(b->eager_speedup)},
                 {"compile_speedup", SpeedupJson(b->compile_speedup)}};
  }
  return j;
}

json ToJson(const SuiteSummary& s) {
  json fast = FastPJson(s.fast_p);
  return {{"suite", s.suite},
          {"device", s.device},
          {"tasks", s.tasks},
          {"correct", s.correct},
          {"fast_p", fast},
          {"geomean_speedup", OptionalJson(s.geomean_speedup)},
          {"geomean_speedup_tasks", s.geomean_speedup_tasks},
          {"geomean_baseline_speedup", OptionalJson(s.geomean_baseline_speedup)},
          {"geomean_baseline_tasks", s.geomean_baseline_tasks},
          {"over_eager", SpeedupSummaryJson(s.over_eager)},
          {"over_compile", SpeedupSummaryJson(s.over_compile)},
          {"cost_usd", s.cost_usd}};
}

json ToJson(const Leaderboard& board) {
  json entries = json::array(), summaries = json::array();
  for (const auto& e : board.entries) entries.push_back(ToJson(e));
  for (const auto& s : board.summaries) summaries.push_back(ToJson(s));
  return {{"entries", entries}, {"summaries", summaries}};
}

}  // namespace kopt
