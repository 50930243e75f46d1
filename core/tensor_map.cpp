// SPDX-License-Identifier: Apache-2.0
#include "core/tensor_map.h"

namespace kopt {
namespace {

constexpr std::uint64_t kMaxGlobalDim = std::uint64_t{1} << 32;
constexpr std::uint64_t kMaxStrideBytes = std::uint64_t{1} << 40;
constexpr std::uint32_t kMaxBoxDim = 256;
constexpr std::uint64_t kStrideAlignment = 16;
constexpr std::uint64_t kInnerBoxAlignment = 16;

template <class Enum, std::size_t N>
std::optional<Enum> Lookup(std::string_view text,
                           const std::array<std::pair<std::string_view, Enum>, N>& table) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view NameOf(Enum value, const std::array<std::pair<std::string_view, Enum>, N>& table) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::array<std::pair<std::string_view, TmaSwizzle>, 4> kSwizzles = {{
    {"none", TmaSwizzle::kNone},
    {"32B", TmaSwizzle::k32B},
    {"64B", TmaSwizzle::k64B},
    {"128B", TmaSwizzle::k128B},
}};
constexpr std::array<std::pair<std::string_view, TmaL2Promotion>, 4> kPromotions = {{
    {"none", TmaL2Promotion::kNone},
    {"64B", TmaL2Promotion::k64B},
    {"128B", TmaL2Promotion::k128B},
    {"256B", TmaL2Promotion::k256B},
}};
constexpr std::array<std::pair<std::string_view, TmaOobFill>, 2> kFills = {{
    {"zero", TmaOobFill::kZero},
    {"nan", TmaOobFill::kNan},
}};

}  // namespace

std::optional<TmaSwizzle> ParseTmaSwizzle(std::string_view text) { return Lookup(text, kSwizzles); }
std::optional<TmaL2Promotion> ParseTmaL2Promotion(std::string_view text) {
  return Lookup(text, kPromotions);
}
std::optional<TmaOobFill> ParseTmaOobFill(std::string_view text) { return Lookup(text, kFills); }
std::string_view TmaSwizzleName(TmaSwizzle swizzle) { return NameOf(swizzle, kSwizzles); }
std::string_view TmaL2PromotionName(TmaL2Promotion promotion) {
  return NameOf(promotion, kPromotions);
}
std::string_view TmaOobFillName(TmaOobFill fill) { return NameOf(fill, kFills); }

int TmaSwizzleBytes(TmaSwizzle swizzle) {
  switch (swizzle) {
    case TmaSwizzle::kNone:
      return 0;
    case TmaSwizzle::k32B:
      return 32;
    case TmaSwizzle::k64B:
      return 64;
    case TmaSwizzle::k128B:
      return 128;
  }
  return 0;
}

TensorMapParams DenseTensorMapParams(DType dtype, const std::vector<std::int64_t>& shape,
                                     const std::vector<std::int64_t>& box, TmaSwizzle swizzle,
                                     TmaL2Promotion l2_promotion, TmaOobFill oob_fill) {
  TensorMapParams p;
  p.dtype = dtype;
  p.rank = static_cast<int>(shape.size());
  p.swizzle = swizzle;
  p.l2_promotion = l2_promotion;
  p.oob_fill = oob_fill;
  // Out-of-range values are kept as they are (clamped only to the field's type) for
  // TensorMapProblem to name; a negative size becomes 0, which it refuses.
  auto dim = [](std::int64_t v) {
    return v < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(v);
  };
  std::uint64_t stride = DTypeSize(dtype);
  for (int i = 0; i < p.rank && i < kTensorMapMaxRank; ++i) {
    std::size_t outer = shape.size() - 1 - static_cast<std::size_t>(i);
    p.global_dim[i] = dim(shape[outer]);
    if (outer < box.size()) {
      std::int64_t b = box[box.size() - 1 - static_cast<std::size_t>(i)];
      p.box[i] = b < 0 || b > INT32_MAX ? 0 : static_cast<std::uint32_t>(b);
    }
    if (i > 0) p.global_stride_bytes[i - 1] = stride;
    // Saturates instead of wrapping, so a huge tensor still fails the stride limit.
    if (__builtin_mul_overflow(stride, p.global_dim[i], &stride)) stride = UINT64_MAX;
  }
  return p;
}

std::string TensorMapProblem(const TensorMapParams& p, const std::vector<std::string>& dim_names) {
  if (p.rank < 1 || p.rank > kTensorMapMaxRank) {
    return "a tensor map needs a tensor of rank 1 to 5, this one has rank " +
           std::to_string(p.rank);
  }
  // Dimension i of the driver (innermost first) is dimension rank-1-i of the shape.
  auto dim = [&](int i) {
    int outer = p.rank - 1 - i;
    std::string text = "dimension " + std::to_string(outer);
    if (static_cast<std::size_t>(outer) < dim_names.size()) {
      text += " (" + dim_names[static_cast<std::size_t>(outer)] + ")";
    }
    return text;
  };
  auto box = [&](int i) { return "box[" + std::to_string(p.rank - 1 - i) + "]"; };
  const std::uint64_t element = DTypeSize(p.dtype);
  for (int i = 0; i < p.rank; ++i) {
    if (p.global_dim[i] == 0 || p.global_dim[i] > kMaxGlobalDim) {
      return dim(i) + " has " + std::to_string(p.global_dim[i]) + " elements; TMA needs 1 to 2^32";
    }
  }
  for (int i = 1; i < p.rank; ++i) {
    std::uint64_t stride = p.global_stride_bytes[i - 1];
    if (stride % kStrideAlignment != 0) {
      return "the stride of " + dim(i) + " is " + std::to_string(stride) +
             " bytes, not a multiple of 16, which TMA needs: the size has no 16-byte aligned " +
             "rows (choose a launch variant without this tensor map for such sizes, e.g. " +
             "\"when\": \"<inner size> % " + std::to_string(kStrideAlignment / element) +
             " == 0\")";
    }
    if (stride >= kMaxStrideBytes) {
      return "the stride of " + dim(i) + " is " + std::to_string(stride) +
             " bytes, at or above TMA's limit of 2^40";
    }
  }
  for (int i = 0; i < p.rank; ++i) {
    if (p.box[i] == 0 || p.box[i] > kMaxBoxDim) {
      return box(i) + " is " + std::to_string(p.box[i]) + "; a box dimension must be 1 to 256";
    }
    if (p.element_stride[i] == 0 || p.element_stride[i] > 8) {
      return "the element stride of " + dim(i) + " must be 1 to 8";
    }
  }
  const std::uint64_t inner_bytes = std::uint64_t{p.box[0]} * element;
  if (inner_bytes % kInnerBoxAlignment != 0) {
    return box(0) + " (the innermost) is " + std::to_string(p.box[0]) + " elements of " +
           std::to_string(element) + " bytes = " + std::to_string(inner_bytes) +
           " bytes; it must be a multiple of 16 bytes";
  }
  if (int span = TmaSwizzleBytes(p.swizzle); span != 0 && inner_bytes > std::uint64_t(span)) {
    return box(0) + " (the innermost) is " + std::to_string(inner_bytes) +
           " bytes, more than the " + std::to_string(span) + "-byte span of swizzle \"" +
           std::string(TmaSwizzleName(p.swizzle)) +
           "\"; make the inner box at most the swizzle span (and load wider tiles as several "
           "boxes)";
  }
  if (p.oob_fill == TmaOobFill::kNan && !IsFloat(p.dtype)) {
    return "oob_fill \"nan\" needs a floating-point tensor, this one is " +
           std::string(DTypeName(p.dtype));
  }
  return "";
}

}  // namespace kopt
