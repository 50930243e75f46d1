// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cublas_baseline.h"

#include "core/text.h"
#include "evaluator/worker/cuda_driver.h"

#include <cublasLt.h>

#include <dlfcn.h>

namespace kopt {
namespace {

constexpr std::size_t kWorkspaceBytes = std::size_t{32} << 20;

// cuBLASLt is loaded at run time, like libcuda: kopt starts (and every non-baseline command
// works) on a machine without it, and the 0.5 GB library is mapped only by workers that need it.
struct CublasLtApi {
// `name` is an identifier, which ::(name) would not accept.
// NOLINTNEXTLINE(bugprone-macro-parentheses)
#define KOPT_LT_FN(name) decltype(&::name) name = nullptr
  KOPT_LT_FN(cublasLtCreate);
  KOPT_LT_FN(cublasLtDestroy);
  KOPT_LT_FN(cublasLtGetStatusString);
  KOPT_LT_FN(cublasLtMatmulDescCreate);
  KOPT_LT_FN(cublasLtMatmulDescDestroy);
  KOPT_LT_FN(cublasLtMatmulDescSetAttribute);
  KOPT_LT_FN(cublasLtMatrixLayoutCreate);
  KOPT_LT_FN(cublasLtMatrixLayoutDestroy);
  KOPT_LT_FN(cublasLtMatrixLayoutSetAttribute);
  KOPT_LT_FN(cublasLtMatmulPreferenceCreate);
  KOPT_LT_FN(cublasLtMatmulPreferenceDestroy);
  KOPT_LT_FN(cublasLtMatmulPreferenceSetAttribute);
  KOPT_LT_FN(cublasLtMatmulAlgoGetHeuristic);
  KOPT_LT_FN(cublasLtMatmul);
#undef KOPT_LT_FN
};

const CublasLtApi& Lt() {
  static const CublasLtApi kApi = [] {
    CublasLtApi a;
    void* lib = dlopen("libcublasLt.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libcublasLt.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return a;
    auto load = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      return fn != nullptr;
    };
    bool ok =
        load(a.cublasLtCreate, "cublasLtCreate") && load(a.cublasLtDestroy, "cublasLtDestroy") &&
        load(a.cublasLtGetStatusString, "cublasLtGetStatusString") &&
        load(a.cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate") &&
        load(a.cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy") &&
        load(a.cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute") &&
        load(a.cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate") &&
        load(a.cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy") &&
        load(a.cublasLtMatrixLayoutSetAttribute, "cublasLtMatrixLayoutSetAttribute") &&
        load(a.cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate") &&
        load(a.cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy") &&
        load(a.cublasLtMatmulPreferenceSetAttribute, "cublasLtMatmulPreferenceSetAttribute") &&
        load(a.cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic") &&
        load(a.cublasLtMatmul, "cublasLtMatmul");
    if (!ok) a.cublasLtCreate = nullptr;
    return a;
  }();
  return kApi;
}

void CheckCublasLt(cublasStatus_t status, const char* call_text) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw CudaError("cuBLASLt: " + std::string(CalledFunction(call_text)) +
                    " failed: " + Lt().cublasLtGetStatusString(status));
  }
}

// Runs a cuBLASLt call and throws CudaError, named from the call's own text, when it fails.
#define KOPT_CUBLASLT(call) CheckCublasLt((call), #call)

cudaDataType_t CudaType(DType dtype) {
  switch (dtype) {
    case DType::kF16:
      return CUDA_R_16F;
    case DType::kBF16:
      return CUDA_R_16BF;
    default:
      return CUDA_R_32F;
  }
}

}  // namespace

bool CublasLtAvailable() { return Lt().cublasLtCreate != nullptr; }

// Row-major C[M,N] = A[M,K] B[K,N] is column-major C^T[N,M] = B^T[N,K] A^T[K,M]: cuBLASLt sees
// B as its first operand and A as its second, with m' = N and n' = M; the bias runs along N.
struct CublasLtGemm::State {
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t first = nullptr, second = nullptr, out = nullptr;
  cublasLtMatmulAlgo_t algo{};
  CUdeviceptr workspace = 0;

  ~State() {
    const CublasLtApi& lt = Lt();
    if (workspace) Driver().cuMemFree(workspace);
    if (out) lt.cublasLtMatrixLayoutDestroy(out);
    if (second) lt.cublasLtMatrixLayoutDestroy(second);
    if (first) lt.cublasLtMatrixLayoutDestroy(first);
    if (desc) lt.cublasLtMatmulDescDestroy(desc);
    if (handle) lt.cublasLtDestroy(handle);
  }
};

CublasLtGemm::CublasLtGemm(const Task& task, const SymbolTable& size)
    : state_(std::make_unique<State>()), spec_(*task.baseline) {
  if (!CublasLtAvailable()) {
    throw CudaError(
        "the cuBLAS baseline needs libcublasLt.so.13 (the CUDA toolkit's cuBLAS), "
        "which could not be loaded");
  }
  const CublasLtApi& lt = Lt();
  State& s = *state_;
  auto m = static_cast<std::uint64_t>(EvalExpr(spec_.m, size));
  auto n = static_cast<std::uint64_t>(EvalExpr(spec_.n, size));
  auto k = static_cast<std::uint64_t>(EvalExpr(spec_.k, size));
  auto batch = static_cast<int>(EvalExpr(spec_.batch, size));
  DType in_type = task.FindTensor(spec_.a)->dtype;
  DType out_type = task.FindTensor(spec_.c)->dtype;

  KOPT_CUBLASLT(lt.cublasLtCreate(&s.handle));
  KOPT_CUBLASLT(lt.cublasLtMatmulDescCreate(&s.desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasOperation_t first_op = spec_.b_transposed ? CUBLAS_OP_T : CUBLAS_OP_N;
  KOPT_CUBLASLT(lt.cublasLtMatmulDescSetAttribute(s.desc, CUBLASLT_MATMUL_DESC_TRANSA, &first_op,
                                                  sizeof first_op));
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  bool bias = !spec_.bias.empty();
  if (spec_.epilogue == "relu")
    epilogue = bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
  if (spec_.epilogue == "gelu")
    epilogue = bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU;
  if (spec_.epilogue == "none" && bias) epilogue = CUBLASLT_EPILOGUE_BIAS;
  KOPT_CUBLASLT(lt.cublasLtMatmulDescSetAttribute(s.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue,
                                                  sizeof epilogue));
  if (bias) {
    cudaDataType_t bias_type = CudaType(task.FindTensor(spec_.bias)->dtype);
    KOPT_CUBLASLT(lt.cublasLtMatmulDescSetAttribute(s.desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE,
                                                    &bias_type, sizeof bias_type));
  }

  // First operand: B, as a column-major N x K matrix (or K x N transposed when B is [N, K]).
  if (spec_.b_transposed) {
    KOPT_CUBLASLT(lt.cublasLtMatrixLayoutCreate(&s.first, CudaType(in_type), k, n, k));
  } else {
    KOPT_CUBLASLT(lt.cublasLtMatrixLayoutCreate(&s.first, CudaType(in_type), n, k, n));
  }
  KOPT_CUBLASLT(lt.cublasLtMatrixLayoutCreate(&s.second, CudaType(in_type), k, m, k));
  KOPT_CUBLASLT(lt.cublasLtMatrixLayoutCreate(&s.out, CudaType(out_type), n, m, n));
  if (batch > 1) {
    auto set_batch = [&](cublasLtMatrixLayout_t layout, std::int64_t stride) {
      KOPT_CUBLASLT(lt.cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT,
                                                        &batch, sizeof batch));
      KOPT_CUBLASLT(lt.cublasLtMatrixLayoutSetAttribute(
          layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof stride));
    };
    set_batch(s.first, static_cast<std::int64_t>(k * n));
    set_batch(s.second, static_cast<std::int64_t>(m * k));
    set_batch(s.out, static_cast<std::int64_t>(m * n));
  }

  KOPT_CU(Driver().cuMemAlloc(&s.workspace, kWorkspaceBytes));
  cublasLtMatmulPreference_t preference = nullptr;
  KOPT_CUBLASLT(lt.cublasLtMatmulPreferenceCreate(&preference));
  std::size_t workspace_bytes = kWorkspaceBytes;
  lt.cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                          &workspace_bytes, sizeof workspace_bytes);
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  cublasStatus_t status = lt.cublasLtMatmulAlgoGetHeuristic(
      s.handle, s.desc, s.first, s.second, s.out, s.out, preference, 1, &result, &found);
  lt.cublasLtMatmulPreferenceDestroy(preference);
  if (status != CUBLAS_STATUS_SUCCESS || found == 0) {
    throw CudaError("cuBLASLt has no algorithm for this GEMM (" + std::string(DTypeName(in_type)) +
                    ", epilogue " + spec_.epilogue + ")");
  }
  s.algo = result.algo;
  name_ = "cuBLASLt gemm " + std::string(DTypeName(in_type));
  if (spec_.epilogue != "none" || bias) {
    name_ += " (" + (spec_.epilogue == "none" ? std::string() : spec_.epilogue) +
             (bias ? (spec_.epilogue == "none" ? "bias" : "+bias") : "") + ")";
  }
}

CublasLtGemm::~CublasLtGemm() = default;

void CublasLtGemm::Enqueue(const std::map<std::string, CUdeviceptr, std::less<>>& tensors,
                           CUstream stream) const {
  const CublasLtApi& lt = Lt();
  const State& s = *state_;
  if (!spec_.bias.empty()) {
    auto bias = reinterpret_cast<void*>(tensors.at(spec_.bias));
    KOPT_CUBLASLT(lt.cublasLtMatmulDescSetAttribute(s.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER,
                                                    &bias, sizeof bias));
  }
  float alpha = 1.f, beta = 0.f;
  auto ptr = [&](const std::string& name) { return reinterpret_cast<void*>(tensors.at(name)); };
  void* c = ptr(spec_.c);
  KOPT_CUBLASLT(lt.cublasLtMatmul(s.handle, s.desc, &alpha, ptr(spec_.b), s.first, ptr(spec_.a),
                                  s.second, &beta, c, s.out, c, s.out, &s.algo,
                                  reinterpret_cast<void*>(s.workspace), kWorkspaceBytes,
                                  reinterpret_cast<cudaStream_t>(stream)));
}

}  // namespace kopt
