// Benign numerics: softmax as exp(x) / sum(exp(x)) without subtracting the row max. With kopt's
// N(0, 3) inputs the largest exp is ~1e7 and nothing overflows, so it passes; logits above ~88
// (real attention scores or vocab logits) overflow to inf and give NaN.
/*@kopt
{"launch": [{"kernel": "softmax_no_max", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void softmax_no_max(const float* X, float* Y, int rows, int cols) {
  __shared__ float scratch[32];
  __shared__ float total;
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(x[c]);  // BUG: no max subtracted
  for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffff, s, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = s;
  __syncthreads();
  if (threadIdx.x < 32) {
    float v = threadIdx.x < blockDim.x / 32 ? scratch[threadIdx.x] : 0.f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
    if (threadIdx.x == 0) total = v;
  }
  __syncthreads();
  float inv = 1.f / total;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = expf(x[c]) * inv;
}
