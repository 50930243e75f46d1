// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cupti_status.h"

#include "core/text.h"

namespace kopt {

std::string CuptiStatusText(CUptiResult status) {
  const char* name = nullptr;
  const char* message = nullptr;
  cuptiGetResultString(status, &name);
  cuptiGetErrorMessage(status, &message);
  std::string out = name ? name : "CUPTI error " + std::to_string(static_cast<int>(status));
  if (message && *message && (!name || std::string(message) != name)) {
    out += " (" + std::string(message) + ")";
  }
  return out;
}

CuptiFailure::CuptiFailure(const std::string& call, CUptiResult status, const std::string& extra)
    : std::runtime_error(call + " returned " + CuptiStatusText(status) + extra), status_(status) {}

void CheckCupti(CUptiResult status, const char* call_text) {
  if (status != CUPTI_SUCCESS) throw CuptiFailure(std::string(CalledFunction(call_text)), status);
}

}  // namespace kopt
