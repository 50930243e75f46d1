// SPDX-License-Identifier: Apache-2.0
// An Evaluator that remembers: asks the store first, and otherwise evaluates with the inner
// Evaluator and records the result. Wraps the real (or a fake) evaluator at core's seam, so the
// search and `kopt eval` share one evaluation cache keyed on (kernel, task version, GPU).
#pragma once

#include "core/evaluator.h"
#include "results/store.h"

#include <optional>
#include <string>

namespace kopt {

struct RecordingConfig {
  /// The name of the GPU the inner evaluator runs on: part of the cache key, so it is needed
  /// before evaluating.
  std::string device;
  std::optional<std::int64_t> run_id;
  bool force = false;  // evaluate (and record) even when the store has an answer
  /// Suite of the tasks Evaluate() sees; "" means TaskSuite(task).
  std::string suite;
  /// Proposer of the candidates Evaluate() adds.
  std::string proposer = kProposerUser;
};

struct RecordedEvaluation {
  std::int64_t task_id = 0;
  std::int64_t candidate_id = 0;
  std::int64_t evaluation_id = 0;  // the stored evaluation that answered, or the new one
  bool from_store = false;
  EvalResult result;
};

/// The search and `kopt eval` call Evaluate (EvaluateAndRecord): it adds the task, the reference's
/// candidate and the request's candidate under its parent (found by key, else the reference),
/// then evaluates it (EvaluateCandidate). A request whose text is not a candidate never reaches
/// the inner evaluator: its answer is NotACandidateResult. Thread-safe when the inner evaluator
/// is.
class RecordingEvaluator : public Evaluator {
 public:
  /// `store` and `inner` must outlive this evaluator.
  RecordingEvaluator(Store& store, Evaluator& inner, RecordingConfig config);

  /// The seam: EvaluateAndRecord(request).result.
  EvalResult Evaluate(const EvalRequest& request) override;
  RecordedEvaluation EvaluateAndRecord(const EvalRequest& request);
  /// Evaluates a candidate already in the store; the request must carry its kernel (the same key)
  /// and task version.
  RecordedEvaluation EvaluateCandidate(std::int64_t candidate_id, const EvalRequest& request);

  /// The task's row and the reference's candidate, added when new.
  std::pair<std::int64_t, std::int64_t> AddTask(const Task& task);

 private:
  Store& store_;
  Evaluator& inner_;
  RecordingConfig config_;
};

}  // namespace kopt
