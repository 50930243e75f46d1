// SPDX-License-Identifier: Apache-2.0
#include "results/recording_evaluator.h"

namespace kopt {

RecordingEvaluator::RecordingEvaluator(Store& store, Evaluator& inner, RecordingConfig config)
    : store_(store), inner_(inner), config_(std::move(config)) {
  KOPT_CHECK(!config_.device.empty());
}

EvalResult RecordingEvaluator::Evaluate(const EvalRequest& request) {
  return EvaluateAndRecord(request).result;
}

std::pair<std::int64_t, std::int64_t> RecordingEvaluator::AddTask(const Task& task) {
  std::int64_t task_id =
      store_.AddTask(task, config_.suite.empty() ? TaskSuite(task) : config_.suite);
  return {task_id, store_.ReferenceCandidate(task_id)};
}

namespace {

std::optional<std::string> Text(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

// Whether a stored answer for a text that is not a candidate is the one it gets now.
bool SameAnswer(const EvalResult& stored, const EvalResult& now) {
  return stored.status == now.status && stored.message == now.message;
}

}  // namespace

RecordedEvaluation RecordingEvaluator::EvaluateAndRecord(const EvalRequest& request) {
  KOPT_CHECK(request.task != nullptr);
  auto [task_id, reference_id] = AddTask(*request.task);
  const Provenance& p = request.provenance;
  // The search evaluates the reference like any kernel; it is the reference's own row.
  if (p.proposer == kProposerReference &&
      request.candidate.source() == request.task->reference_source) {
    return EvaluateCandidate(reference_id, request);
  }
  NewCandidate c = NewCandidateOf(task_id, request.candidate,
                                  p.proposer.empty() ? config_.proposer : p.proposer);
  c.run_id = config_.run_id;
  // A lineage named by keys: the parent's row is the first one recorded for its kernel. A root
  // (a starter, a user's file) hangs under the reference, so every lineage ends there.
  c.parent_id = reference_id;
  if (!p.parent_key.empty()) {
    if (auto parent = store_.FindCandidate(task_id, p.parent_key)) c.parent_id = parent;
  }
  c.plan = Text(p.plan);
  c.menu_option_id = Text(p.menu_option);
  if (p.iteration > 0) c.iteration = p.iteration;
  c.model = Text(p.model);
  c.file = request.file;
  return EvaluateCandidate(store_.AddCandidate(c), request);
}

RecordedEvaluation RecordingEvaluator::EvaluateCandidate(std::int64_t candidate_id,
                                                         const EvalRequest& request) {
  KOPT_CHECK(request.task != nullptr);
  std::optional<CandidateRecord> candidate = store_.GetCandidate(candidate_id);
  if (!candidate)
    throw StoreError(store_.path() + ": no candidate " + std::to_string(candidate_id));
  const std::string& key = request.candidate.key();
  // The request must be the candidate's kernel on the candidate's task version.
  KOPT_CHECK(key == candidate->candidate.key);
  std::optional<TaskRecord> task = store_.GetTask(candidate->candidate.task_id);
  KOPT_CHECK(task && task->content_hash == request.task->content_hash);

  RecordedEvaluation out;
  out.task_id = candidate->candidate.task_id;
  out.candidate_id = candidate_id;
  // A text that is not a candidate is answered here, never by the inner evaluator: nothing is
  // compiled. Its answer is recorded unless the store holds that very answer already.
  std::optional<EvalResult> not_a_candidate;
  if (!request.candidate.ok()) not_a_candidate = NotACandidateResult(request.candidate.error());
  if (!config_.force && !request.force) {
    std::optional<EvaluationRecord> stored = store_.FindEvaluation(
        request.task->content_hash, key, config_.device, request.options.time);
    // A profile was asked for and the stored correct result has none: measure again.
    if (stored && stored->result.ok() && request.options.profile != ProfileLevel::kNone &&
        !stored->result.profile) {
      stored.reset();
    }
    // Likewise the sanitizer pass.
    if (stored && stored->result.ok() && request.options.sanitize && !stored->result.sanitizer) {
      stored.reset();
    }
    // A store written before texts were rejected without compiling may hold another answer
    // (a cut-off answer's compile_error): the reason replaces it.
    if (stored && not_a_candidate && !SameAnswer(stored->result, *not_a_candidate)) {
      stored.reset();
    }
    if (stored) {
      out.evaluation_id = stored->id;
      out.from_store = true;
      out.result = std::move(stored->result);
      return out;
    }
  }
  if (not_a_candidate) {
    out.result = std::move(*not_a_candidate);
    out.result.device = config_.device;
  } else {
    out.result = inner_.Evaluate(request);
  }
  NewEvaluation e;
  e.candidate_id = candidate_id;
  e.run_id = config_.run_id;
  e.device = config_.device;
  e.timed = request.options.time;
  e.result = out.result;
  out.evaluation_id = store_.RecordEvaluation(e);
  return out;
}

}  // namespace kopt
