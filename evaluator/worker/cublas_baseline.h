// SPDX-License-Identifier: Apache-2.0
// The vendor baseline of GEMM-like tasks: the task's BaselineSpec run through cuBLASLt (fp32
// accumulation, the heuristic's first algorithm, bias and ReLU/GELU epilogues), so every result
// can say how it compares with the library a kernel engineer would reach for first.
#pragma once

#include "core/expr.h"
#include "core/task.h"

#include <cuda.h>

#include <map>
#include <memory>
#include <string>

namespace kopt {

/// Whether libcublasLt could be loaded (it is opened at run time, on first use).
bool CublasLtAvailable();

/// One configured GEMM for one size. Throws CudaError naming why cuBLASLt cannot run it.
class CublasLtGemm {
 public:
  CublasLtGemm(const Task& task, const SymbolTable& size);
  ~CublasLtGemm();
  CublasLtGemm(const CublasLtGemm&) = delete;
  CublasLtGemm& operator=(const CublasLtGemm&) = delete;

  /// Enqueues C = epilogue(A @ B + bias) on `stream` with the tensors bound by name.
  void Enqueue(const std::map<std::string, CUdeviceptr, std::less<>>& tensors,
               CUstream stream) const;
  /// "cuBLASLt gemm bf16 (gelu+bias)".
  const std::string& name() const { return name_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  BaselineSpec spec_;
  std::string name_;
};

}  // namespace kopt
