// SPDX-License-Identifier: Apache-2.0
// CUPTI's own words for a status, and the one check of a CUPTI call, for every file that calls
// CUPTI: KOPT_CUPTI(cuptiX(&params)) throws CuptiFailure naming cuptiX when the call fails.
#pragma once

#include <cupti.h>

#include <stdexcept>
#include <string>

namespace kopt {

/// "CUPTI_ERROR_INSUFFICIENT_PRIVILEGES (the message CUPTI gives)", or the number when unnamed.
std::string CuptiStatusText(CUptiResult status);

/// A failed CUPTI call: "<call> returned <status text><extra>", keeping the status so callers
/// can tell "denied" from "busy" from a plain failure.
class CuptiFailure : public std::runtime_error {
 public:
  CuptiFailure(const std::string& call, CUptiResult status, const std::string& extra = "");
  CUptiResult status() const { return status_; }

 private:
  CUptiResult status_;
};

/// Throws CuptiFailure unless `status` is CUPTI_SUCCESS, naming the function `call_text` calls.
void CheckCupti(CUptiResult status, const char* call_text);

}  // namespace kopt

/// Runs a CUPTI call and throws CuptiFailure, named from the call's own text, when it fails.
#define KOPT_CUPTI(call) ::kopt::CheckCupti((call), #call)
