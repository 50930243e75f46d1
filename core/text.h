// SPDX-License-Identifier: Apache-2.0
// Small text helpers that every layer shares.
#pragma once

#include <string_view>

namespace kopt {

/// `s` without its leading and trailing ASCII whitespace (space, \t, \r, \n, \f, \v).
std::string_view Trim(std::string_view s);

}  // namespace kopt
