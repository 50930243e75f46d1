// SPDX-License-Identifier: Apache-2.0
// Small text helpers that every layer shares.
#pragma once

#include <string>
#include <string_view>

namespace kopt {

/// `s` without its leading and trailing ASCII whitespace (space, \t, \r, \n, \f, \v).
std::string_view Trim(std::string_view s);

/// The first line of `text`, cut to `width` characters ("..." marks a cut).
std::string FirstLine(std::string_view text, std::size_t width);

/// The function a call's source text names: "cuptiRangeProfilerStart" of
/// "cuptiRangeProfilerStart(&p)", "cublasLtCreate" of "lt.cublasLtCreate(&handle)"; the whole
/// text when it holds no call. For the checks that wrap a C API's calls in one macro.
std::string_view CalledFunction(std::string_view call);

}  // namespace kopt
