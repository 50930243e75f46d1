// SPDX-License-Identifier: Apache-2.0
// The kernel's real signature against its launch block, checked by the compiler: kopt appends
// static_asserts generated from the resolved launches (a pointer for a tensor, a 32-bit integer
// for a size, a 64-bit one for "i64:", the scalar's own type, a 128-byte CUtensorMap for a
// tensor map), so a kernel that would read an
// int64 where a pointer is passed never runs. A failed assert is a launch_error naming the
// kernel and the argument.
#pragma once

#include "core/eval_result.h"
#include "core/launch_block.h"

#include <optional>
#include <string>
#include <vector>

namespace kopt {

/// The file name the appended checks report their diagnostics under.
inline constexpr const char* kSignatureCheckFile = "<kopt launch block>";

/// C++ to append to a candidate: one static_assert per launch and argument of `plan`.
std::string SignatureCheckSource(const LaunchPlan& plan);
/// The same for every plan of `plans` (one per variant of `block`, from PlanPerVariant), each
/// message naming its variant.
std::string SignatureCheckSource(const std::vector<LaunchPlan>& plans, const LaunchBlock& block);

/// When a failed compile's errors all come from the appended checks: the launch_error message
/// (the asserts' texts, or a kernel that is not declared at global scope). nullopt otherwise.
std::optional<std::string> SignatureMismatch(const std::string& compile_log);

/// A launched kernel that the compiled module does not export under its name (`kernels`: the
/// cubin's entry points): the launch_error message, naming the mangled entry when the kernel was
/// declared without extern "C". nullopt when every launched kernel is there, or when `kernels`
/// is empty (no entry list to judge by).
std::optional<std::string> MissingKernel(const LaunchBlock& block,
                                         const std::vector<KernelResources>& kernels);

/// `log` without the appended checks' diagnostics: what a compile error in the candidate
/// itself shows.
std::string WithoutSignatureDiagnostics(const std::string& log);

}  // namespace kopt
