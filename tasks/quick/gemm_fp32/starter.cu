// Shared-memory tiled GEMM: a BMxBN tile per block, BK-deep k-steps, each thread a TMxTN
// micro-tile held in registers. Tunables: the tile shape.
/*@kopt
{"launch": [{"kernel": "gemm_tiled", "grid": ["cdiv(N,BN)", "cdiv(M,BM)"], "block": [256],
             "args": ["A", "B", "C", "M", "N", "K"]}],
 "tunables": {"BM": [64, 128], "BN": [64, 128], "BK": [16, 8, 32]}}
@kopt*/
#ifndef BM
#define BM 64
#endif
#ifndef BN
#define BN 64
#endif
#ifndef BK
#define BK 16
#endif
#define TM (BM / 16)
#define TN (BN / 16)
extern "C" __global__ void __launch_bounds__(256) gemm_tiled(const float* __restrict__ A, const float* __restrict__ B,
                                                           float* __restrict__ C, int M, int N, int K) {
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];
  int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  float acc[TM][TN] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = threadIdx.x; i < BM * BK; i += 256) {
      int r = i / BK, k = i % BK;
      int gr = row0 + r, gk = k0 + k;
      As[k][r] = (gr < M && gk < K) ? A[(long)gr * K + gk] : 0.f;
    }
    for (int i = threadIdx.x; i < BK * BN; i += 256) {
      int k = i / BN, c = i % BN;
      int gk = k0 + k, gc = col0 + c;
      Bs[k][c] = (gk < K && gc < N) ? B[(long)gk * N + gc] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[k][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      int r = row0 + ty + 16 * i, c = col0 + tx + 16 * j;
      if (r < M && c < N) C[(long)r * N + c] = acc[i][j];
    }
}
