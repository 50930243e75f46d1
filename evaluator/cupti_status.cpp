// SPDX-License-Identifier: Apache-2.0
#include "evaluator/cupti_status.h"

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

}  // namespace kopt
