// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/tensor_map_encoder.h"

#include "evaluator/worker/cuda_driver.h"

namespace kopt {

CUtensorMapDataType TmaDataType(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
    case DType::kF16:
      return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
    case DType::kBF16:
      return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
    case DType::kF64:
      return CU_TENSOR_MAP_DATA_TYPE_FLOAT64;
    case DType::kI32:
      return CU_TENSOR_MAP_DATA_TYPE_INT32;
    case DType::kI64:
      return CU_TENSOR_MAP_DATA_TYPE_INT64;
    case DType::kI8:
    case DType::kU8:
      return CU_TENSOR_MAP_DATA_TYPE_UINT8;
  }
  return CU_TENSOR_MAP_DATA_TYPE_UINT8;
}

CUresult EncodeTensorMap(const TensorMapParams& p, CUdeviceptr address, CUtensorMap* out) {
  auto swizzle = static_cast<CUtensorMapSwizzle>(static_cast<int>(p.swizzle));
  auto promotion = static_cast<CUtensorMapL2promotion>(static_cast<int>(p.l2_promotion));
  CUtensorMapFloatOOBfill fill = p.oob_fill == TmaOobFill::kNan
                                     ? CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA
                                     : CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;
  // The enums of core/tensor_map.h list their values in the driver's order.
  static_assert(static_cast<int>(TmaSwizzle::k128B) == CU_TENSOR_MAP_SWIZZLE_128B);
  static_assert(static_cast<int>(TmaL2Promotion::k256B) == CU_TENSOR_MAP_L2_PROMOTION_L2_256B);
  // NOLINTNEXTLINE(performance-no-int-to-ptr): the driver takes the device address as a pointer.
  void* global = reinterpret_cast<void*>(address);
  return Driver().cuTensorMapEncodeTiled(out, TmaDataType(p.dtype), static_cast<cuuint32_t>(p.rank),
                                         global, p.global_dim.data(), p.global_stride_bytes.data(),
                                         p.box.data(), p.element_stride.data(),
                                         CU_TENSOR_MAP_INTERLEAVE_NONE, swizzle, promotion, fill);
}

}  // namespace kopt
