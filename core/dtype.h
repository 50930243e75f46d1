// SPDX-License-Identifier: Apache-2.0
// Element types of task tensors and scalars, with their fixed text names (stored on disk).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kopt {

enum class DType { kF32, kF16, kBF16, kF64, kI32, kI64, kI8, kU8 };

/// "f32", "bf16", ...: the spelling used in task files. Never renamed.
std::string_view DTypeName(DType dtype);
std::optional<DType> ParseDType(std::string_view name);
std::size_t DTypeSize(DType dtype);
bool IsFloat(DType dtype);
/// The C++ spelling a kernel parameter of this type has ("float", "__nv_bfloat16", ...).
std::string_view DTypeCudaName(DType dtype);

}  // namespace kopt
