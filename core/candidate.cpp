// SPDX-License-Identifier: Apache-2.0
#include "core/candidate.h"

#include "core/error.h"
#include "core/sha256.h"

namespace kopt {
namespace {

bool Blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The rest of TryMakeCandidate once the block is parsed: the choice, the sizes, the key.
CandidateResult Finish(std::string source, LaunchBlock block, const TunableChoice& overrides,
                       const Task* task, const std::string& file) {
  TunableChoice tunables;
  try {
    tunables = ChooseTunables(block, overrides);
  } catch (const ConfigError& e) {
    return CandidateResult::Failed(std::move(source), overrides,
                                   {CandidateErrorKind::kTunables, e.what()});
  }
  if (task) {
    try {
      ValidateLaunchBlock(block, *task, tunables, file);
    } catch (const ConfigError& e) {
      return CandidateResult::Failed(std::move(source), std::move(tunables),
                                     {CandidateErrorKind::kLaunchBlock, e.what()});
    }
  }
  Candidate c;
  c.key = CandidateKey(source, tunables);
  c.source = std::move(source);
  c.launch = std::move(block);
  c.tunables = std::move(tunables);
  return c;
}

CandidateResult Make(std::string source, const TunableChoice& overrides, const Task* task,
                     const std::string& file) {
  if (Blank(source)) {
    return CandidateResult::Failed(
        std::move(source), overrides,
        {CandidateErrorKind::kNoCode, file + ": the candidate is empty (no code)"});
  }
  LaunchBlock block;
  try {
    block = ParseLaunchBlock(source, file);
  } catch (const ConfigError& e) {
    return CandidateResult::Failed(std::move(source), overrides,
                                   {CandidateErrorKind::kLaunchBlock, e.what()});
  }
  return Finish(std::move(source), std::move(block), overrides, task, file);
}

}  // namespace

std::string CandidateKey(const std::string& source, const TunableChoice& tunables) {
  // A NUL cannot occur in a source NVRTC accepts, so the two parts cannot run together.
  return Sha256()
      .Update(source)
      .Update(std::string_view("\0", 1))
      .Update(TunablesToJson(tunables).dump())
      .HexDigest();
}

std::string_view CandidateErrorKindName(CandidateErrorKind kind) {
  switch (kind) {
    case CandidateErrorKind::kNoCode:
      return "no_code";
    case CandidateErrorKind::kCutOff:
      return "cut_off";
    case CandidateErrorKind::kLaunchBlock:
      return "launch_block";
    case CandidateErrorKind::kTunables:
      return "tunables";
  }
  return "no_code";
}

CandidateResult::CandidateResult() : error_(CandidateError{}) {
  candidate_.key = CandidateKey("", {});
  error_->message = "the candidate is empty (no code)";
}

CandidateResult::CandidateResult(Candidate candidate) : candidate_(std::move(candidate)) {}

CandidateResult CandidateResult::Failed(std::string source, TunableChoice tunables,
                                        CandidateError error) {
  CandidateResult r;
  r.candidate_.key = CandidateKey(source, tunables);
  r.candidate_.source = std::move(source);
  r.candidate_.tunables = std::move(tunables);
  r.error_ = std::move(error);
  return r;
}

const Candidate& CandidateResult::value() const {
  KOPT_CHECK(ok());
  return candidate_;
}

const CandidateError& CandidateResult::error() const {
  KOPT_CHECK(!ok());
  return *error_;
}

CandidateResult TryMakeCandidate(const Task& task, std::string source,
                                 const TunableChoice& overrides, const std::string& file) {
  return Make(std::move(source), overrides, &task, file);
}

CandidateResult TryMakeCandidate(std::string source, const TunableChoice& overrides,
                                 const std::string& file) {
  return Make(std::move(source), overrides, nullptr, file);
}

CandidateResult TryRetune(const Candidate& candidate, const Task& task,
                          const TunableChoice& overrides, const std::string& file) {
  return Finish(candidate.source, candidate.launch, overrides, &task, file);
}

EvalResult NotACandidateResult(const CandidateError& error) {
  EvalResult r;
  r.status = EvalStatus::kLaunchError;
  r.message = error.message;
  if (error.kind == CandidateErrorKind::kLaunchBlock || error.kind == CandidateErrorKind::kTunables)
    r.check = "launch";
  return r;
}

}  // namespace kopt
