// SPDX-License-Identifier: Apache-2.0
// A one-tensor task for the unit tests that make candidates without a GPU: Y = 2 X over N, with
// one ragged check size.
#pragma once

#include "core/task.h"

namespace kopt::testing {

inline Task ScaleTask() {
  return ParseTask(R"j({
    "schema_version": 1, "name": "scale", "description": "Y = 2 X", "op_class": "elementwise",
    "symbols": {"N": 4096}, "check_symbols": [{"N": 1001}],
    "tensors": [
      {"name": "X", "dtype": "f32", "shape": ["N"], "role": "input"},
      {"name": "Y", "dtype": "f32", "shape": ["N"], "role": "output"}],
    "tolerance": {"rtol": 0, "atol": 0}, "flops": "N", "bytes": "8*N"})j",
                   "scale/task.json");
}

}  // namespace kopt::testing
