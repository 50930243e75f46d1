// SPDX-License-Identifier: Apache-2.0
// A candidate kernel as every layer carries it: its source, its parsed launch block, the full
// tunable choice it runs with and its key, built once by TryMakeCandidate. A text that is not a
// candidate (an answer with no code, one that was cut off, a bad launch block or tunable choice)
// is kept with the reason, so it is recorded and shown to the LLM but never compiled.
#pragma once

#include "core/eval_result.h"
#include "core/launch_block.h"
#include "core/task.h"

#include <optional>
#include <string>
#include <string_view>

namespace kopt {

/// A candidate's identity, and the store's evaluation key: SHA-256 of its source and its full
/// tunable choice. Stored in every database: never change it.
std::string CandidateKey(const std::string& source, const TunableChoice& tunables);

/// A kernel that can be compiled and launched: its launch block parses, its tunable choice is one
/// the block offers and, when it was made for a task, the block resolves on every size of it.
struct Candidate {
  std::string source;
  LaunchBlock launch;
  TunableChoice tunables;  // every tunable of the block: its defaults with the overrides applied
  std::string key;         // CandidateKey(source, tunables)
};

/// Why a text is not a candidate.
enum class CandidateErrorKind {
  kNoCode,       // no code at all (an answer without a code block, an empty file)
  kCutOff,       // the answer ended inside its code block
  kLaunchBlock,  // the launch block is missing, does not parse or does not fit the task
  kTunables,     // an override names no tunable of the block, or a value not in its list
};

/// "no_code", "cut_off", "launch_block", "tunables".
std::string_view CandidateErrorKindName(CandidateErrorKind kind);

struct CandidateError {
  CandidateErrorKind kind = CandidateErrorKind::kNoCode;
  std::string message;  // a sentence a person or an LLM can act on
};

/// What TryMakeCandidate returns: the Candidate, or the text that is not one and why. Either way
/// it has a source, tunables and a key, so a failed text is recorded and deduplicated like any
/// kernel: for a failed one, the tunables as far as they resolved (the block's defaults with the
/// overrides when the block parses and the overrides fit it, else the overrides alone).
/// Default-constructed: an empty text, kNoCode.
class CandidateResult {
 public:
  CandidateResult();
  CandidateResult(Candidate candidate);  // implicit: a Candidate is a success
  /// A text that is not a candidate; `tunables` as far as they resolved.
  static CandidateResult Failed(std::string source, TunableChoice tunables, CandidateError error);

  bool ok() const { return !error_; }
  /// Requires ok().
  const Candidate& value() const;
  /// Requires !ok().
  const CandidateError& error() const;

  const std::string& source() const { return candidate_.source; }
  const TunableChoice& tunables() const { return candidate_.tunables; }
  const std::string& key() const { return candidate_.key; }

 private:
  Candidate candidate_;  // for a failure: source, tunables and key only
  std::optional<CandidateError> error_;
};

/// Makes the candidate `source` is for `task`: parses its launch block, applies `overrides` to
/// the block's tunables and checks the block on every size of the task. `file` names the source
/// in messages. Never throws for a bad text: the reason is the result's error.
CandidateResult TryMakeCandidate(const Task& task, std::string source,
                                 const TunableChoice& overrides = {},
                                 const std::string& file = "candidate.cu");
/// The same without a task: the block is parsed and the tunables chosen, no size is checked. For
/// texts that were checked when they were loaded (a task's stored reference).
CandidateResult TryMakeCandidate(std::string source, const TunableChoice& overrides = {},
                                 const std::string& file = "candidate.cu");
/// `candidate` with other tunable values (its block is not parsed again), checked on every size
/// of `task`.
CandidateResult TryRetune(const Candidate& candidate, const Task& task,
                          const TunableChoice& overrides, const std::string& file = "candidate.cu");

/// The evaluation of a text that is not a candidate, made without compiling anything: a
/// `launch_error` with the reason as its message (check `launch` for a bad block or choice).
EvalResult NotACandidateResult(const CandidateError& error);

}  // namespace kopt
