// SPDX-License-Identifier: Apache-2.0
#include "core/dtype.h"

#include <array>

namespace kopt {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
  bool is_float;
  std::string_view cuda_name;
};

constexpr std::array<DTypeInfo, 8> kDTypes = {{
    {DType::kF32, "f32", 4, true, "float"},
    {DType::kF16, "f16", 2, true, "__half"},
    {DType::kBF16, "bf16", 2, true, "__nv_bfloat16"},
    {DType::kF64, "f64", 8, true, "double"},
    {DType::kI32, "i32", 4, false, "int"},
    {DType::kI64, "i64", 8, false, "long long"},
    {DType::kI8, "i8", 1, false, "signed char"},
    {DType::kU8, "u8", 1, false, "unsigned char"},
}};

const DTypeInfo& Info(DType dtype) { return kDTypes[static_cast<std::size_t>(dtype)]; }

}  // namespace

std::string_view DTypeName(DType dtype) { return Info(dtype).name; }
std::size_t DTypeSize(DType dtype) { return Info(dtype).size; }
bool IsFloat(DType dtype) { return Info(dtype).is_float; }
std::string_view DTypeCudaName(DType dtype) { return Info(dtype).cuda_name; }

std::optional<DType> ParseDType(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

}  // namespace kopt
