// Naive fp32 GEMM: one thread per output element, a dot product over K in fp32. A warp covers 32
// columns of one row, so its loads of B are coalesced and its loads of A are one broadcast.
/*@kopt
{"launch": [{"kernel": "gemm_fp32_naive", "grid": ["cdiv(N,32)", "cdiv(M,8)"], "block": [32, 8],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
extern "C" __global__ void gemm_fp32_naive(const float* A, const float* B, float* C, int M, int N,
                                           int K) {
  int row = blockIdx.y * blockDim.y + threadIdx.y;
  int col = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) acc += A[(long)row * K + k] * B[(long)k * N + col];
  C[(long)row * N + col] = acc;
}
