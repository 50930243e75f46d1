// SPDX-License-Identifier: Apache-2.0
// Turns a resolved tensor map (core/tensor_map.h) into the 128-byte CUtensorMap a kernel takes,
// with cuTensorMapEncodeTiled and the address of the buffer it describes. Host-only: encoding
// touches no GPU memory, so the worker encodes afresh at every launch, for whichever buffers
// that launch binds.
#pragma once

#include "core/tensor_map.h"

#include <cuda.h>

namespace kopt {

/// The driver's element type for `dtype` (i8 as UINT8: TMA copies bytes and fills zeros).
CUtensorMapDataType TmaDataType(DType dtype);

/// Encodes `params` for the buffer at `address` into `out`; returns the driver's result.
CUresult EncodeTensorMap(const TensorMapParams& params, CUdeviceptr address, CUtensorMap* out);

}  // namespace kopt
