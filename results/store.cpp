// SPDX-License-Identifier: Apache-2.0
#include "results/store.h"

#include "core/sha256.h"
#include "results/schema.h"

#include <filesystem>
#include <set>

namespace kopt {
namespace {

using nlohmann::json;

json ParseStored(const std::string& text, const std::string& path, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw StoreError(path + ": " + what + " is not valid JSON: " + e.what());
  }
}

std::optional<int> OptInt32(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

constexpr const char* kCandidateColumns =
    "id, task_id, run_id, parent_id, source, source_hash, tunables_json, eval_key, plan, "
    "menu_option_id, iteration, proposer, model, file, created_at";

CandidateRecord ReadCandidate(const Statement& st, const std::string& path) {
  CandidateRecord r;
  r.id = st.Int(0);
  NewCandidate& c = r.candidate;
  c.task_id = st.Int(1);
  c.run_id = st.OptInt(2);
  c.parent_id = st.OptInt(3);
  c.source = st.Text(4);
  r.source_hash = st.Text(5);
  json tunables = ParseStored(st.Text(6), path, "candidates.tunables_json");
  for (const auto& [name, value] : tunables.items()) c.tunables[name] = value.get<std::int64_t>();
  c.key = st.Text(7);
  c.plan = st.OptText(8);
  c.menu_option_id = st.OptText(9);
  c.iteration = OptInt32(st.OptInt(10));
  c.proposer = st.Text(11);
  c.model = st.OptText(12);
  c.file = st.OptText(13);
  r.created_at = st.Text(14);
  return r;
}

constexpr const char* kEvaluationColumns =
    "id, candidate_id, run_id, task_id, device, timed, result_json, message, compile_log, "
    "created_at";

EvaluationRecord ReadEvaluation(const Statement& st, const std::string& path) {
  EvaluationRecord r;
  r.id = st.Int(0);
  r.candidate_id = st.Int(1);
  r.run_id = st.OptInt(2);
  r.task_id = st.Int(3);
  r.device = st.Text(4);
  r.timed = st.Int(5) != 0;
  r.result = EvalResultFromJson(ParseStored(st.Text(6), path, "evaluations.result_json"));
  r.result.message = st.Text(7);
  r.result.compile.log = st.Text(8);
  r.created_at = st.Text(9);
  return r;
}

constexpr const char* kRunColumns =
    "id, command, argv_json, config_json, kopt_version, git_sha, device, device_json, "
    "driver_version, cuda_version, nvrtc_version, seed, started_at, finished_at, status, message";

RunRecord ReadRun(const Statement& st, const std::string& path) {
  RunRecord r;
  r.id = st.Int(0);
  r.info.command = st.Text(1);
  r.info.argv = ParseStored(st.Text(2), path, "runs.argv_json").get<std::vector<std::string>>();
  r.info.config = ParseStored(st.Text(3), path, "runs.config_json");
  r.info.kopt_version = st.Text(4);
  r.info.git_sha = st.Text(5);
  r.info.device = st.Text(6);
  if (auto d = st.OptText(7)) r.info.device_info = ParseStored(*d, path, "runs.device_json");
  r.info.driver_version = st.Text(8);
  r.info.cuda_version = st.Text(9);
  r.info.nvrtc_version = st.Text(10);
  if (auto seed = st.OptInt(11)) r.info.seed = static_cast<std::uint64_t>(*seed);
  r.started_at = st.Text(12);
  r.finished_at = st.OptText(13).value_or("");
  r.status = st.Text(14);
  r.message = st.Text(15);
  return r;
}

constexpr const char* kLlmColumns =
    "id, run_id, task_id, purpose, cache_key, provider, model, request_json, response_text, "
    "finish_reason, input_tokens, output_tokens, reasoning_tokens, latency_ms, cost_usd, error, "
    "created_at";

LlmCallRow ReadLlmCall(const Statement& st) {
  LlmCallRow r;
  r.id = st.Int(0);
  r.context.run_id = st.OptInt(1);
  r.context.task_id = st.OptInt(2);
  r.context.purpose = st.Text(3);
  LlmCallRecord& c = r.call;
  c.purpose = r.context.purpose;
  c.cache_key = st.Text(4);
  c.provider = st.Text(5);
  c.model = st.Text(6);
  c.request_json = st.Text(7);
  c.response_text = st.Text(8);
  c.finish_reason = st.Text(9);
  c.input_tokens = st.Int(10);
  c.output_tokens = st.Int(11);
  c.reasoning_tokens = st.Int(12);
  c.latency_ms = st.Real(13);
  c.cost_usd = st.OptReal(14);
  c.error = st.Text(15);
  r.created_at = st.Text(16);
  return r;
}

constexpr const char* kTorchBaselineColumns =
    "b.id, b.task_id, b.run_id, b.device, b.mode, b.python_version, b.torch_version, "
    "b.triton_version, b.median_ms, b.p10_ms, b.p90_ms, b.mean_ms, b.stddev_ms, b.n, "
    "b.compile_ms, b.checked_sizes, b.error, b.created_at";

TorchBaselineRecord ReadTorchBaseline(const Statement& st) {
  TorchBaselineRecord r;
  r.id = st.Int(0);
  r.task_id = st.Int(1);
  r.run_id = st.OptInt(2);
  r.device = st.Text(3);
  r.mode = st.Text(4);
  r.python_version = st.Text(5);
  r.torch_version = st.Text(6);
  r.triton_version = st.Text(7);
  if (!st.IsNull(8)) {
    Summary s;
    s.median = st.Real(8);
    s.p10 = st.Real(9);
    s.p90 = st.Real(10);
    s.mean = st.Real(11);
    s.stddev = st.Real(12);
    s.n = static_cast<std::size_t>(st.Int(13));
    r.event_ms = s;
  }
  r.compile_ms = st.OptReal(14);
  r.checked_sizes = static_cast<int>(st.Int(15));
  r.error = st.Text(16);
  r.created_at = st.Text(17);
  return r;
}

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

// WAL sizes, in pages, at which the background checkpoint starts (SQLite's own default) and at
// which the writer finishes one itself.
constexpr int kCheckpointPages = 1000;
constexpr int kRestartPages = 3000;

}  // namespace

std::string TaskSuite(const Task& task) {
  if (task.dir.empty()) return "";
  std::filesystem::path dir = std::filesystem::path(task.dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  return dir.parent_path().filename().string();
}

std::string NotAKoptDatabase(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == 0 && !ec) return "an empty file";
  try {
    Database db(path, /*create=*/false, /*read_only=*/true);
    std::int64_t version = db.QueryInt("PRAGMA user_version");
    if (version == 0 && db.QueryInt("SELECT count(*) FROM sqlite_master") > 0) {
      return "a SQLite database of another program (no kopt tables)";
    }
  } catch (const StoreError&) {
    return "not a SQLite database (or a damaged one)";
  }
  return "";
}

Store::Store(const std::string& path, OpenMode mode) : path_(path) {
  if (mode == OpenMode::kExisting && path != ":memory:" && !std::filesystem::exists(path)) {
    throw StoreError(path + ": no such database");
  }
  // Another program's database, or a damaged one, is refused before anything is written to it;
  // an empty file may become a store only when creating one was asked for.
  if (path != ":memory:" && std::filesystem::exists(path)) {
    std::string why = NotAKoptDatabase(path);
    if (!why.empty() && !(why == "an empty file" && mode == OpenMode::kCreate)) {
      throw StoreError(path + ": " + why + ", not a kopt results database; nothing was changed");
    }
  }
  db_ = std::make_unique<Database>(path, mode == OpenMode::kCreate);
  // WAL lets readers (the leaderboard) run while a writer commits. synchronous=NORMAL keeps
  // every commit that returned through a kill of the process; only an operating-system crash or
  // power loss can take back the last commits, and never corrupts the file.
  db_->Exec("PRAGMA journal_mode = WAL");
  db_->Exec("PRAGMA synchronous = NORMAL");
  db_->Exec("PRAGMA foreign_keys = ON");
  db_->Exec("PRAGMA cache_size = -16384");  // KiB: the indexes of a large store stay in memory
  opened_version_ = MigrateSchema(*db_);
  if (path != ":memory:") {
    // Checkpoints (and their fsyncs) run on a thread of their own, not in the commit that
    // happens to fill the WAL; 1000 pages is SQLite's own threshold.
    checkpointer_ = std::make_unique<Checkpointer>(path, kCheckpointPages);
    db_->SetCommitHook([this](int pages) {
      // The background pass cannot catch up with a busy writer, so the WAL would never start
      // over; past kRestartPages the writer copies the little that is left itself, and its next
      // transaction rewinds the WAL.
      if (pages >= kRestartPages) {
        db_->CheckpointPassive();
      } else {
        checkpointer_->Committed(pages);
      }
    });
  }
}

Store::~Store() {
  if (checkpointer_) {
    db_->SetCommitHook(nullptr);
    checkpointer_.reset();
  }
}

std::int64_t Store::BeginRun(const RunInfo& info) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "INSERT INTO runs (command, argv_json, config_json, kopt_version, git_sha, device, "
      "device_json, driver_version, cuda_version, nvrtc_version, seed) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::optional<std::string> device_json;
  if (!info.device_info.is_null()) device_json = info.device_info.dump();
  std::optional<std::int64_t> seed;
  if (info.seed) seed = static_cast<std::int64_t>(*info.seed);
  q->BindAll(info.command, json(info.argv).dump(), info.config.dump(), info.kopt_version,
             info.git_sha, info.device, device_json, info.driver_version, info.cuda_version,
             info.nvrtc_version, seed)
      .Run();
  return db_->LastInsertId();
}

std::optional<std::int64_t> Store::FindUnfinishedRun(const RunInfo& info) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "SELECT id FROM runs WHERE command = ? AND argv_json = ? AND config_json = ? "
      "AND status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1");
  q->BindAll(info.command, json(info.argv).dump(), info.config.dump());
  if (!q->Step()) return std::nullopt;
  return q->Int(0);
}

void Store::FinishRun(std::int64_t run_id, const std::string& status, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "UPDATE runs SET status = ?, message = ?, "
      "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
  q->BindAll(status, message, run_id).Run();
}

std::optional<RunRecord> Store::GetRun(std::int64_t run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(kRunColumns, "FROM runs WHERE id = ?"));
  q->BindAll(run_id);
  if (!q->Step()) return std::nullopt;
  return ReadRun(*q, path_);
}

std::vector<RunSummary> Store::ListRuns(int limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      Select(kRunColumns,
             ", (SELECT count(*) FROM candidates c WHERE c.run_id = runs.id),"
             " (SELECT count(*) FROM evaluations e WHERE e.run_id = runs.id),"
             " (SELECT count(*) FROM evaluations e WHERE e.run_id = runs.id"
             "   AND e.status = 'correct'),"
             " (SELECT count(*) FROM llm_calls l WHERE l.run_id = runs.id),"
             " (SELECT coalesce(sum(cost_usd), 0) FROM llm_calls l WHERE l.run_id = runs.id)"
             " FROM runs ORDER BY id DESC LIMIT ?"));
  q->BindAll(limit > 0 ? limit : -1);
  std::vector<RunSummary> out;
  while (q->Step()) {
    RunSummary s;
    s.run = ReadRun(*q, path_);
    s.candidates = q->Int(16);
    s.evaluations = q->Int(17);
    s.correct = q->Int(18);
    s.llm_calls = q->Int(19);
    s.cost_usd = q->Real(20);
    out.push_back(std::move(s));
  }
  return out;
}

std::int64_t Store::AddTask(const Task& task, const std::string& suite) {
  KOPT_CHECK(!task.content_hash.empty());
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction tx(*db_);
  std::optional<std::int64_t> id;
  {
    Query q = db_->Prepare("SELECT id FROM tasks WHERE content_hash = ? AND suite = ?");
    q->BindAll(task.content_hash, suite);
    if (q->Step()) id = q->Int(0);
  }
  if (!id) {
    Query q = db_->Prepare(
        "INSERT INTO tasks (name, suite, content_hash, task_json, reference_source) "
        "VALUES (?, ?, ?, ?, ?)");
    q->BindAll(task.name, suite, task.content_hash, task.task_json, task.reference_source).Run();
    id = db_->LastInsertId();
  }
  tx.Commit();
  return *id;
}

namespace {
constexpr const char* kTaskColumns =
    "id, name, suite, content_hash, task_json, reference_source, created_at";

TaskRecord ReadTask(const Statement& st) {
  return TaskRecord{st.Int(0),  st.Text(1), st.Text(2), st.Text(3),
                    st.Text(4), st.Text(5), st.Text(6)};
}
}  // namespace

std::optional<TaskRecord> Store::GetTask(std::int64_t task_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(kTaskColumns, "FROM tasks WHERE id = ?"));
  q->BindAll(task_id);
  if (!q->Step()) return std::nullopt;
  return ReadTask(*q);
}

std::optional<TaskRecord> Store::FindTaskByHash(const std::string& content_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q =
      db_->Prepare(Select(kTaskColumns, "FROM tasks WHERE content_hash = ? ORDER BY id LIMIT 1"));
  q->BindAll(content_hash);
  if (!q->Step()) return std::nullopt;
  return ReadTask(*q);
}

std::int64_t Store::ReferenceCandidate(std::int64_t task_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = reference_rows_.find(task_id); it != reference_rows_.end()) return it->second;
  std::string reference;
  {
    Query q = db_->Prepare("SELECT reference_source FROM tasks WHERE id = ?");
    q->BindAll(task_id);
    if (!q->Step()) throw StoreError(path_ + ": no task " + std::to_string(task_id));
    reference = q->Text(0);
  }
  // The reference was checked when its task was loaded; its Candidate is made here from the text
  // the store holds, once per task while this Store is open.
  NewCandidate c = NewCandidateOf(task_id, TryMakeCandidate(reference), kProposerReference);
  c.file = "reference.cu";
  std::int64_t id = AddCandidateLocked(c);
  reference_rows_[task_id] = id;
  return id;
}

std::optional<std::int64_t> Store::FindCandidate(std::int64_t task_id,
                                                 const std::string& eval_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "SELECT id FROM candidates INDEXED BY candidates_by_task_key "
      "WHERE task_id = ? AND eval_key = ? ORDER BY id LIMIT 1");
  q->BindAll(task_id, eval_key);
  if (!q->Step()) return std::nullopt;
  return q->Int(0);
}

std::int64_t Store::AddCandidate(const NewCandidate& candidate) {
  std::lock_guard<std::mutex> lock(mutex_);
  return AddCandidateLocked(candidate);
}

std::int64_t Store::AddCandidateLocked(const NewCandidate& c) {
  KOPT_CHECK(!c.proposer.empty());
  KOPT_CHECK(!c.key.empty());
  const std::string& key = c.key;
  Transaction tx(*db_);
  std::optional<std::int64_t> id;
  {
    // `IS` compares NULLs as equal, so an absent plan matches an absent plan.
    Query q = db_->Prepare(
        "SELECT id FROM candidates INDEXED BY candidates_by_task_key "
        "WHERE task_id = ? AND eval_key = ? AND parent_id IS ? "
        "AND plan IS ? AND menu_option_id IS ? AND iteration IS ? AND proposer = ? "
        "AND model IS ? ORDER BY id LIMIT 1");
    q->BindAll(c.task_id, key, c.parent_id, c.plan, c.menu_option_id, c.iteration, c.proposer,
               c.model);
    if (q->Step()) id = q->Int(0);
  }
  if (!id) {
    Query q = db_->Prepare(
        "INSERT INTO candidates (task_id, run_id, parent_id, source, source_hash, "
        "tunables_json, eval_key, plan, menu_option_id, iteration, proposer, model, file) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q->BindAll(c.task_id, c.run_id, c.parent_id, c.source, Sha256Hex(c.source),
               TunablesToJson(c.tunables).dump(), key, c.plan, c.menu_option_id, c.iteration,
               c.proposer, c.model, c.file)
        .Run();
    id = db_->LastInsertId();
  }
  tx.Commit();
  return *id;
}

std::optional<CandidateRecord> Store::GetCandidate(std::int64_t candidate_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return GetCandidateLocked(candidate_id);
}

std::optional<CandidateRecord> Store::GetCandidateLocked(std::int64_t candidate_id) {
  Query q = db_->Prepare(Select(kCandidateColumns, "FROM candidates WHERE id = ?"));
  q->BindAll(candidate_id);
  if (!q->Step()) return std::nullopt;
  return ReadCandidate(*q, path_);
}

std::vector<CandidateRecord> Store::Lineage(std::int64_t candidate_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<CandidateRecord> chain;
  std::set<std::int64_t> seen;
  std::optional<std::int64_t> next = candidate_id;
  while (next && seen.insert(*next).second) {
    std::optional<CandidateRecord> c = GetCandidateLocked(*next);
    if (!c) {
      throw StoreError(
          path_ + ": no candidate " + std::to_string(*next) +
          (chain.empty() ? "" : " (parent of " + std::to_string(chain.back().id) + ")"));
    }
    next = c->candidate.parent_id;
    chain.push_back(std::move(*c));
  }
  return chain;
}

std::int64_t Store::RecordEvaluation(const NewEvaluation& e) {
  const EvalResult& r = e.result;
  std::string device = e.device.empty() ? r.device : e.device;
  // The message and the log can be long (a compile error is both); they are stored once, in
  // their own columns, and put back into the result when it is read.
  json full = ToJson(r);
  full.erase("message");
  full["compile"].erase("log");
  auto median = [](const std::optional<TimingInfo>& t) {
    return t ? std::optional<double>(t->event_ms.median) : std::nullopt;
  };
  std::optional<double> p10, p90, k_median, k_p10, k_p90, clock;
  std::optional<std::int64_t> n, k_n;
  if (r.timing) {
    p10 = r.timing->event_ms.p10;
    p90 = r.timing->event_ms.p90;
    n = static_cast<std::int64_t>(r.timing->event_ms.n);
    clock = r.timing->sm_clock_mhz;
    if (const auto& k = r.timing->kernel_ms) {
      k_median = k->median;
      k_p10 = k->p10;
      k_p90 = k->p90;
      k_n = static_cast<std::int64_t>(k->n);
    }
  }
  std::optional<double> s, s_low, s_high, b, b_low, b_high, fraction;
  if (r.speedup) s = r.speedup->value, s_low = r.speedup->low, s_high = r.speedup->high;
  if (r.baseline_speedup) {
    b = r.baseline_speedup->value, b_low = r.baseline_speedup->low;
    b_high = r.baseline_speedup->high;
  }
  std::optional<std::string> baseline_name, bound;
  std::optional<double> baseline_median;
  if (r.baseline) {
    baseline_name = r.baseline->name;
    baseline_median = r.baseline->timing.event_ms.median;
  }
  bool suspicious = false;
  if (r.roofline) {
    fraction = r.roofline->fraction;
    bound = r.roofline->bound;
    suspicious = r.roofline->suspicious;
  }
  std::string resources = full["compile"]["kernels"].dump();
  std::string result_json = full.dump();
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction tx(*db_);
  {
    // task_id and eval_key come from the candidate row, in the same statement.
    Query q = db_->Prepare(
        "INSERT INTO evaluations (candidate_id, run_id, task_id, eval_key, device, "
        "status, message, compile_log, resources_json, timed, event_median_ms, event_p10_ms, "
        "event_p90_ms, event_n, kernel_median_ms, kernel_p10_ms, kernel_p90_ms, kernel_n, "
        "sm_clock_mhz, reference_median_ms, speedup, speedup_low, speedup_high, baseline_name, "
        "baseline_median_ms, baseline_speedup, baseline_speedup_low, baseline_speedup_high, "
        "roofline_fraction, roofline_bound, suspicious, wall_ms, result_json) "
        "SELECT c.id, ?, c.task_id, c.eval_key, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM candidates c WHERE c.id = ?");
    q->BindAll(e.run_id, device, EvalStatusName(r.status), r.message, r.compile.log, resources,
               e.timed ? 1 : 0, median(r.timing), p10, p90, n, k_median, k_p10, k_p90, k_n, clock,
               median(r.reference_timing), s, s_low, s_high, baseline_name, baseline_median, b,
               b_low, b_high, fraction, bound, suspicious ? 1 : 0, r.wall_ms, result_json,
               e.candidate_id)
        .Run();
  }
  if (db_->Changes() == 0) {
    throw StoreError(path_ + ": no candidate " + std::to_string(e.candidate_id));
  }
  std::int64_t id = db_->LastInsertId();
  tx.Commit();
  return id;
}

std::optional<EvaluationRecord> Store::FindEvaluation(const std::string& task_hash,
                                                      const std::string& eval_key,
                                                      const std::string& device, bool need_timing) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      Select(kEvaluationColumns,
             "FROM evaluations WHERE task_id IN (SELECT id FROM tasks WHERE content_hash = ?) "
             "AND eval_key = ? AND device = ? AND (? = 0 OR status <> 'correct' OR timed = 1) "
             "ORDER BY id DESC LIMIT 1"));
  q->BindAll(task_hash, eval_key, device, need_timing ? 1 : 0);
  if (!q->Step()) return std::nullopt;
  return ReadEvaluation(*q, path_);
}

std::optional<EvaluationRecord> Store::GetEvaluation(std::int64_t evaluation_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(kEvaluationColumns, "FROM evaluations WHERE id = ?"));
  q->BindAll(evaluation_id);
  if (!q->Step()) return std::nullopt;
  return ReadEvaluation(*q, path_);
}

std::vector<EvaluationRecord> Store::EvaluationsOf(std::int64_t candidate_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "SELECT e.id, e.candidate_id, e.run_id, e.task_id, e.device, e.timed, e.result_json, "
      "e.message, e.compile_log, e.created_at FROM candidates c JOIN evaluations e "
      "ON e.task_id = c.task_id AND e.eval_key = c.eval_key WHERE c.id = ? ORDER BY e.id");
  q->BindAll(candidate_id);
  std::vector<EvaluationRecord> out;
  while (q->Step()) out.push_back(ReadEvaluation(*q, path_));
  return out;
}

std::int64_t Store::RecordLlmCall(const LlmCallRecord& c, const LlmCallContext& context) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "INSERT INTO llm_calls (run_id, task_id, purpose, cache_key, provider, model, "
      "request_json, response_text, finish_reason, input_tokens, output_tokens, "
      "reasoning_tokens, latency_ms, cost_usd, error) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q->BindAll(context.run_id, context.task_id, context.purpose, c.cache_key, c.provider, c.model,
             c.request_json, c.response_text, c.finish_reason, c.input_tokens, c.output_tokens,
             c.reasoning_tokens, c.latency_ms, c.cost_usd, c.error)
      .Run();
  return db_->LastInsertId();
}

std::optional<LlmCallRecord> Store::FindLlmCall(const std::string& cache_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(
      kLlmColumns, "FROM llm_calls WHERE cache_key = ? AND error = '' ORDER BY id DESC LIMIT 1"));
  q->BindAll(cache_key);
  if (!q->Step()) return std::nullopt;
  return ReadLlmCall(*q).call;
}

std::optional<LlmCallRow> Store::GetLlmCall(std::int64_t call_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(kLlmColumns, "FROM llm_calls WHERE id = ?"));
  q->BindAll(call_id);
  if (!q->Step()) return std::nullopt;
  return ReadLlmCall(*q);
}

std::int64_t Store::RecordTorchBaseline(const TorchBaselineRecord& b) {
  std::optional<double> median, p10, p90, mean, stddev;
  std::optional<std::int64_t> n;
  if (const auto& t = b.event_ms) {
    median = t->median, p10 = t->p10, p90 = t->p90, mean = t->mean, stddev = t->stddev;
    n = static_cast<std::int64_t>(t->n);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(
      "INSERT INTO torch_baselines (task_id, run_id, device, mode, python_version, "
      "torch_version, triton_version, median_ms, p10_ms, p90_ms, mean_ms, stddev_ms, n, "
      "compile_ms, checked_sizes, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q->BindAll(b.task_id, b.run_id, b.device, b.mode, b.python_version, b.torch_version,
             b.triton_version, median, p10, p90, mean, stddev, n, b.compile_ms, b.checked_sizes,
             b.error)
      .Run();
  return db_->LastInsertId();
}

std::optional<TorchBaselineRecord> Store::FindTorchBaseline(const std::string& task_hash,
                                                            const std::string& device,
                                                            const std::string& mode) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q = db_->Prepare(Select(kTorchBaselineColumns,
                                "FROM torch_baselines b JOIN tasks t ON t.id = b.task_id "
                                "WHERE t.content_hash = ? AND b.device = ? AND b.mode = ? "
                                "ORDER BY b.id DESC LIMIT 1"));
  q->BindAll(task_hash, device, mode);
  if (!q->Step()) return std::nullopt;
  return ReadTorchBaseline(*q);
}

std::string ArchOfRun(Store& store, const std::optional<std::int64_t>& run_id) {
  if (!run_id) return "";
  std::optional<RunRecord> run = store.GetRun(*run_id);
  if (!run || !run->info.device_info.is_object()) return "";
  return run->info.device_info.value("arch", "");
}

}  // namespace kopt
