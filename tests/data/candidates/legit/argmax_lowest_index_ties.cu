// Row argmax with the task's tie rule: each thread scans its columns in rising order with a strict
// >, so it keeps the first of equal values; the merges prefer the lower index on equal values.
// NaN never wins (x > v is false) and an all -inf row gives INT_MAX, exactly as the reference does.
/*@kopt
{"launch": [{"kernel": "argmax_rows_vec", "grid": ["ROWS"], "block": [1024], "args": ["X", "idx", "COLS"]}]}
@kopt*/
#define THREADS 1024

__device__ void take_better(float& v, int& i, float ov, int oi) {
  if (ov > v || (ov == v && oi < i)) {
    v = ov;
    i = oi;
  }
}

extern "C" __global__ void __launch_bounds__(THREADS) argmax_rows_vec(const float* __restrict__ X,
                                                                      int* __restrict__ idx, int cols) {
  __shared__ float wv[THREADS / 32];
  __shared__ int wi[THREADS / 32];
  const float* x = X + (long)blockIdx.x * cols;
  float v = -__int_as_float(0x7f800000);
  int i = 0x7fffffff;
  if (cols % 4 == 0) {  // rows start 16-byte aligned
    const float4* x4 = reinterpret_cast<const float4*>(x);
    for (int c = threadIdx.x; c < cols / 4; c += THREADS) {
      float4 q = x4[c];
      if (q.x > v) { v = q.x; i = 4 * c; }
      if (q.y > v) { v = q.y; i = 4 * c + 1; }
      if (q.z > v) { v = q.z; i = 4 * c + 2; }
      if (q.w > v) { v = q.w; i = 4 * c + 3; }
    }
  } else {
    for (int c = threadIdx.x; c < cols; c += THREADS)
      if (x[c] > v) { v = x[c]; i = c; }
  }
  for (int o = 16; o > 0; o >>= 1) {
    float ov = __shfl_xor_sync(0xffffffff, v, o);
    int oi = __shfl_xor_sync(0xffffffff, i, o);
    take_better(v, i, ov, oi);
  }
  if (threadIdx.x % 32 == 0) {
    wv[threadIdx.x / 32] = v;
    wi[threadIdx.x / 32] = i;
  }
  __syncthreads();
  if (threadIdx.x < 32) {
    v = wv[threadIdx.x];
    i = wi[threadIdx.x];
    for (int o = 16; o > 0; o >>= 1) {
      float ov = __shfl_xor_sync(0xffffffff, v, o);
      int oi = __shfl_xor_sync(0xffffffff, i, o);
      take_better(v, i, ov, oi);
    }
    if (threadIdx.x == 0) idx[blockIdx.x] = i;
  }
}
