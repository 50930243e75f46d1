// SPDX-License-Identifier: Apache-2.0
// CUPTI's own words for a status, for every file that calls CUPTI.
#pragma once

#include <cupti.h>

#include <string>

namespace kopt {

/// "CUPTI_ERROR_INSUFFICIENT_PRIVILEGES (the message CUPTI gives)", or the number when unnamed.
std::string CuptiStatusText(CUptiResult status);

}  // namespace kopt
