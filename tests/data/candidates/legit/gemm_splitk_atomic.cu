// Split-K GEMM: the first launch zeroes C, the second splits K four ways (blockIdx.z) over 64x64
// tiles and adds each partial tile into C with atomicAdd. fp32 sums of 4 partials in any order
// stay within ~1e-6 relative, far inside rtol 1e-4 / atol 1e-3; every edge is bounds-checked.
/*@kopt
{"launch": [{"kernel": "zero_c", "grid": ["cdiv(M*N,256)"], "block": [256], "args": ["C", "M*N"]},
            {"kernel": "gemm_splitk", "grid": ["cdiv(N,64)", "cdiv(M,64)", 4], "block": [256],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
#define BM 64
#define BN 64
#define BK 16
#define SPLITS 4

extern "C" __global__ void zero_c(float* C, int count) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) C[i] = 0.f;
}

extern "C" __global__ void __launch_bounds__(256) gemm_splitk(const float* __restrict__ A,
                                                              const float* __restrict__ B,
                                                              float* __restrict__ C, int M, int N, int K) {
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];
  int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  int k_per_split = (K + SPLITS - 1) / SPLITS;
  k_per_split = (k_per_split + BK - 1) / BK * BK;
  int k_begin = blockIdx.z * k_per_split;
  int k_end = min(K, k_begin + k_per_split);
  float acc[4][4] = {};
  for (int k0 = k_begin; k0 < k_end; k0 += BK) {
    for (int i = threadIdx.x; i < BM * BK; i += 256) {
      int r = i / BK, k = i % BK;
      int gr = row0 + r, gk = k0 + k;
      As[k][r] = (gr < M && gk < k_end) ? A[(long)gr * K + gk] : 0.f;
    }
    for (int i = threadIdx.x; i < BK * BN; i += 256) {
      int k = i / BN, c = i % BN;
      int gk = k0 + k, gc = col0 + c;
      Bs[k][c] = (gk < k_end && gc < N) ? B[(long)gk * N + gc] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[k][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  if (k_begin >= K) return;  // an empty split adds nothing
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      int r = row0 + ty + 16 * i, c = col0 + tx + 16 * j;
      if (r < M && c < N) atomicAdd(&C[(long)r * N + c], acc[i][j]);
    }
}
