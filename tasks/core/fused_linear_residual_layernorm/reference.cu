// Naive reference in two kernels: one thread per element of h = alpha * R + X W^T + bias, kept
// in fp32 in a workspace, then one warp per row for the LayerNorm (mean, then variance of the
// deviations, then the normalised output).
/*@kopt
{"launch": [{"kernel": "linear_residual_naive", "grid": ["cdiv(N,32)", "cdiv(M,8)"],
             "block": [32, 8], "args": ["X", "W", "bias", "R", "h", "M", "N", "K", "alpha"]},
            {"kernel": "layernorm_rows_naive", "grid": ["cdiv(M,8)"], "block": [256],
             "args": ["h", "gamma", "beta", "Y", "M", "N", "eps"]}],
 "workspace": [{"name": "h", "bytes": "4*M*N"}]}
@kopt*/
#include <cuda_bf16.h>

extern "C" __global__ void linear_residual_naive(const __nv_bfloat16* X, const __nv_bfloat16* W,
                                                 const __nv_bfloat16* bias, const __nv_bfloat16* R,
                                                 float* h, int M, int N, int K, float alpha) {
  int n = blockIdx.x * blockDim.x + threadIdx.x;
  int m = blockIdx.y * blockDim.y + threadIdx.y;
  if (m >= M || n >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) {
    acc += __bfloat162float(X[(long)m * K + k]) * __bfloat162float(W[(long)n * K + k]);
  }
  h[(long)m * N + n] =
      alpha * __bfloat162float(R[(long)m * N + n]) + acc + __bfloat162float(bias[n]);
}

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

extern "C" __global__ void layernorm_rows_naive(const float* h, const __nv_bfloat16* gamma,
                                                const __nv_bfloat16* beta, __nv_bfloat16* Y, int M,
                                                int N, float eps) {
  int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (row >= M) return;  // the whole warp leaves together
  const float* x = h + (long)row * N;
  float sum = 0.f;
  for (int i = lane; i < N; i += 32) sum += x[i];
  float mean = warp_sum(sum) / N;
  float sq = 0.f;
  for (int i = lane; i < N; i += 32) sq += (x[i] - mean) * (x[i] - mean);
  float rstd = rsqrtf(warp_sum(sq) / N + eps);
  for (int i = lane; i < N; i += 32) {
    float y = (x[i] - mean) * rstd * __bfloat162float(gamma[i]) + __bfloat162float(beta[i]);
    Y[(long)row * N + i] = __float2bfloat16(y);
  }
}
