// SPDX-License-Identifier: Apache-2.0
// The Proposer seam: given a measured kernel of the beam, propose children (new code from an
// LLM, other tunable choices). The search evaluates what is proposed and may hand a failure back
// once for repair.
#pragma once

#include "core/device_info.h"
#include "core/eval_result.h"
#include "core/evaluator.h"
#include "core/task.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// A kernel the search has measured: correct and timed, or the root it started from.
struct SearchNode {
  Candidate candidate;
  Provenance provenance;
  EvalResult result;
  /// What earlier steps did to reach it, oldest first ("mem.vectorized_loads: 1.8x").
  std::vector<std::string> history;

  double latency_ms() const { return result.timing ? result.timing->event_ms.median : 0; }
};

struct Proposal {
  /// The kernel, made for the context's task, or the answer that is not one (an LLM's answer
  /// with no code, cut off, or with a bad launch block): evaluated as a launch_error without
  /// compiling, recorded, and offered for repair like any failure.
  CandidateResult candidate;
  Provenance provenance;
  /// (optional) The file name in messages; empty: the search names it after the candidate's key
  /// (its tunables included), so the same kernel always reads the same in a compile log (and its
  /// repair prompt is cached) and two tunings of one source never share a name.
  std::string file;
  int repairs = 0;  // repair rounds that led to this code
};

struct ProposalContext {
  const Task* task = nullptr;
  const SearchNode* parent = nullptr;
  DeviceInfo device;
  int iteration = 1;   // 1-based
  int iterations = 1;  // in the whole search
  int member = 0;      // the parent's place in the beam
  std::uint64_t seed = 0;
};

class Proposer {
 public:
  using Emit = std::function<void(Proposal)>;

  virtual ~Proposer() = default;
  /// "llm", "tune": recorded as each candidate's proposer.
  virtual std::string_view name() const = 0;
  /// Emits the parent's children for one iteration, possibly from several threads, and returns
  /// when it has emitted all of them. Never throws for a bad LLM answer (that is not a proposal).
  virtual void Propose(const ProposalContext& context, const Emit& emit) = 0;
  /// (optional) A fixed version of `failed`, given how it failed; defaults to none.
  virtual std::optional<Proposal> Repair(const ProposalContext& context, const Proposal& failed,
                                         const EvalResult& result) {
    (void)context, (void)failed, (void)result;
    return std::nullopt;
  }
  /// (optional) Why this proposer can do no more for `task` (a spent budget), or ""; defaults
  /// to "". The search stops a task when a proposer says so.
  virtual std::string StopReason(const Task& task) {
    (void)task;
    return "";
  }
};

}  // namespace kopt
