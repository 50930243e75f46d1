// SPDX-License-Identifier: Apache-2.0
// TMA tensor maps: what a launch block declares (a tensor, a box, a swizzle) and the parameters
// of cuTensorMapEncodeTiled that kopt derives from it at one size. `TensorMapProblem` applies the
// driver's documented rules without a driver, so a bad box is a launch_error found before
// compiling; a GPU test holds it to the driver's own verdicts.
#pragma once

#include "core/dtype.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// The shared-memory layout TMA writes: a 16-byte chunk's position XORed within a span.
enum class TmaSwizzle { kNone, k32B, k64B, k128B };
/// How much L2 fetches from memory per request.
enum class TmaL2Promotion { kNone, k64B, k128B, k256B };
/// What a load returns for elements outside the tensor.
enum class TmaOobFill { kZero, kNan };

/// "none", "32B", ...: the spellings of launch blocks; nullopt for any other text.
std::optional<TmaSwizzle> ParseTmaSwizzle(std::string_view text);
std::optional<TmaL2Promotion> ParseTmaL2Promotion(std::string_view text);
std::optional<TmaOobFill> ParseTmaOobFill(std::string_view text);
std::string_view TmaSwizzleName(TmaSwizzle swizzle);
std::string_view TmaL2PromotionName(TmaL2Promotion promotion);
std::string_view TmaOobFillName(TmaOobFill fill);
/// Bytes of the swizzle span (32, 64, 128); 0 for none.
int TmaSwizzleBytes(TmaSwizzle swizzle);

/// One entry of a launch block's "tensor_maps": the kernel argument `name` is a tensor map of
/// task tensor or workspace buffer `tensor`, loaded and stored in boxes of `box` elements.
/// `box`, `shape` and every dimension a person writes follow the tensor's shape order (outermost
/// first); the driver's order (innermost first) exists only in `TensorMapParams`.
struct TensorMapSpec {
  std::string name;
  std::string tensor;
  std::vector<std::string> box;  // one expression per dimension of the tensor
  TmaSwizzle swizzle = TmaSwizzle::kNone;
  TmaL2Promotion l2_promotion = TmaL2Promotion::kNone;
  TmaOobFill oob_fill = TmaOobFill::kZero;
  // Only for a workspace buffer, which has bytes but no element type or shape of its own.
  std::optional<DType> dtype;
  std::vector<std::string> shape;
};

constexpr int kTensorMapMaxRank = 5;

/// The arguments of cuTensorMapEncodeTiled but the address, innermost dimension first.
struct TensorMapParams {
  DType dtype = DType::kF32;
  int rank = 1;
  std::array<std::uint64_t, kTensorMapMaxRank> global_dim = {};
  std::array<std::uint64_t, kTensorMapMaxRank - 1> global_stride_bytes = {};  // dims 1..rank-1
  std::array<std::uint32_t, kTensorMapMaxRank> box = {};
  std::array<std::uint32_t, kTensorMapMaxRank> element_stride = {1, 1, 1, 1, 1};
  TmaSwizzle swizzle = TmaSwizzle::kNone;
  TmaL2Promotion l2_promotion = TmaL2Promotion::kNone;
  TmaOobFill oob_fill = TmaOobFill::kZero;
};

/// The parameters of a dense row-major tensor of `dtype` with `shape` and a box of `box`
/// elements, both outermost first, as in task files.
TensorMapParams DenseTensorMapParams(DType dtype, const std::vector<std::int64_t>& shape,
                                     const std::vector<std::int64_t>& box, TmaSwizzle swizzle,
                                     TmaL2Promotion l2_promotion, TmaOobFill oob_fill);

/// Empty when cuTensorMapEncodeTiled accepts `params` with a 16-byte aligned address (kopt's
/// buffers are 256-byte aligned); otherwise the first rule broken, in the launch block's terms:
/// dimensions are numbered outermost first, as in the tensor's shape, and `dim_names` (the
/// shape's expressions, when given) name them.
std::string TensorMapProblem(const TensorMapParams& params,
                             const std::vector<std::string>& dim_names = {});

}  // namespace kopt
