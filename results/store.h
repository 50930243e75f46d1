// SPDX-License-Identifier: Apache-2.0
// The results store: one SQLite file (WAL mode) holding runs, tasks, candidates, evaluations,
// LLM calls, PyTorch baselines and schedules. Every method that writes commits before it returns,
// in one transaction per logical record, so a kill at any moment loses at most the record being
// written. Safe to share between threads; other processes may read and write the same file.
#pragma once

#include "core/evaluator.h"
#include "core/task.h"
#include "results/checkpointer.h"
#include "results/records.h"
#include "results/sqlite.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// The suite a loaded task belongs to: the name of the folder above its own ("" if none).
std::string TaskSuite(const Task& task);

/// A finished evaluation to record. `device` empty: the result's device.
struct NewEvaluation {
  std::int64_t candidate_id = 0;
  std::optional<std::int64_t> run_id;
  std::string device;
  bool timed = true;
  EvalResult result;
};

/// Why the existing file `path` is not a kopt results database: "an empty file", "not a SQLite
/// database (or a damaged one)", "a SQLite database of another program (no kopt tables)"; "" when
/// it is one (of this kopt's schema or an older one that opening migrates). Reads the file
/// without writing, creating or migrating anything.
std::string NotAKoptDatabase(const std::string& path);

class Store {
 public:
  enum class OpenMode {
    kCreate,    // create the file when missing
    kExisting,  // fail (StoreError) when the file is missing
  };

  /// Opens `path` (":memory:" for a private in-memory store), sets WAL mode and a busy timeout,
  /// and migrates the schema. Throws StoreError, e.g. for a database from a newer kopt.
  explicit Store(const std::string& path, OpenMode mode = OpenMode::kCreate);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  /// The schema version the file had before this Store migrated it (0 for a new file).
  int opened_version() const { return opened_version_; }

  // Runs.
  std::int64_t BeginRun(const RunInfo& info);
  /// Sets the end time, the status ("ok", "failed") and a message.
  void FinishRun(std::int64_t run_id, const std::string& status, const std::string& message = "");
  /// The newest run of the same command, arguments and configuration that never finished (it
  /// was killed, or interrupted with Ctrl-C): the run a re-run of that command resumes.
  std::optional<std::int64_t> FindUnfinishedRun(const RunInfo& info);
  std::optional<RunRecord> GetRun(std::int64_t run_id);
  /// Newest first; `limit` 0 means all.
  std::vector<RunSummary> ListRuns(int limit = 0);

  // Tasks.
  /// The task's row for this content hash and suite, added when new.
  std::int64_t AddTask(const Task& task, const std::string& suite);
  std::optional<TaskRecord> GetTask(std::int64_t task_id);
  std::optional<TaskRecord> FindTaskByHash(const std::string& content_hash);

  // Candidates.
  /// The candidate row of the task's reference kernel (proposer "reference"), added when new.
  std::int64_t ReferenceCandidate(std::int64_t task_id);
  /// Adds a candidate and returns its id; an identical proposal (same task, kernel, parent, plan,
  /// menu option, iteration, proposer and model) already stored returns the existing id.
  std::int64_t AddCandidate(const NewCandidate& candidate);
  std::optional<CandidateRecord> GetCandidate(std::int64_t candidate_id);
  /// The first candidate recorded for this kernel (`eval_key`) on the task, if any: how a
  /// lineage named by keys (a search's Provenance) finds its parent's row.
  std::optional<std::int64_t> FindCandidate(std::int64_t task_id, const std::string& eval_key);
  /// The candidate, its parent, and so on up to the root (the reference). Throws StoreError for a
  /// missing id.
  std::vector<CandidateRecord> Lineage(std::int64_t candidate_id);

  // Evaluations.
  std::int64_t RecordEvaluation(const NewEvaluation& evaluation);
  /// The newest final evaluation of this kernel (`eval_key`) on this task version and device.
  /// Every stored status is final; with `need_timing`, a correct result counts only if it was
  /// timed.
  std::optional<EvaluationRecord> FindEvaluation(const std::string& task_hash,
                                                 const std::string& eval_key,
                                                 const std::string& device, bool need_timing);
  std::optional<EvaluationRecord> GetEvaluation(std::int64_t evaluation_id);
  /// Every evaluation of the candidate's kernel on its task (whichever candidate row it was
  /// recorded for), oldest first.
  std::vector<EvaluationRecord> EvaluationsOf(std::int64_t candidate_id);

  // LLM calls.
  std::int64_t RecordLlmCall(const LlmCallRecord& call, const LlmCallContext& context);
  /// The newest successful call under `cache_key`.
  std::optional<LlmCallRecord> FindLlmCall(const std::string& cache_key);
  std::optional<LlmCallRow> GetLlmCall(std::int64_t call_id);

  // PyTorch baselines.
  /// Records a PyTorch baseline (`id` and `created_at` are ignored) and returns its id.
  std::int64_t RecordTorchBaseline(const TorchBaselineRecord& baseline);
  /// The newest PyTorch baseline of this task version (content hash) on `device` in `mode`.
  std::optional<TorchBaselineRecord> FindTorchBaseline(const std::string& task_hash,
                                                       const std::string& device,
                                                       const std::string& mode);

  // Schedules: results/schedule_store.h.

  /// Runs `f(Database&)` under the store's lock: for queries in results/ that are not methods
  /// (the leaderboard). `f` must leave no transaction open.
  template <typename F>
  decltype(auto) WithDatabase(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    return f(*db_);
  }

 private:
  std::int64_t AddCandidateLocked(const NewCandidate& candidate);
  std::optional<CandidateRecord> GetCandidateLocked(std::int64_t candidate_id);

  std::string path_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Checkpointer> checkpointer_;  // none for ":memory:"
  std::mutex mutex_;
  std::map<std::int64_t, std::int64_t> reference_rows_;  // task id -> its reference's candidate
  int opened_version_ = 0;
};

/// The NVRTC target ("sm_90a") of the GPU a run used; "" without a run or a recorded device.
std::string ArchOfRun(Store& store, const std::optional<std::int64_t>& run_id);

}  // namespace kopt
