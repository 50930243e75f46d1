// Benign numerics: top-k whose ranking puts the higher index first among equal values; the task
// fixes ascending index. Random normal logits have no ties, so every check passes; rows with
// repeated values (clamped or quantized logits, a constant row) come out in the wrong order.
/*@kopt
{"launch": [{"kernel": "topk_rows_ties", "grid": ["ROWS"], "block": [1024],
             "args": ["X", "values", "indices", "COLS", "K"]}]}
@kopt*/
#define THREADS 1024

// True when (av, ai) ranks before (bv, bi). BUG: the higher index wins a tie.
__device__ bool ranks_before(float av, int ai, float bv, int bi) {
  return av > bv || (av == bv && ai > bi);
}

extern "C" __global__ void topk_rows_ties(const float* X, float* values, int* indices, int cols, int k) {
  __shared__ float sv[THREADS];
  __shared__ int si[THREADS];
  const float* x = X + (long)blockIdx.x * cols;
  float prev_v = __int_as_float(0x7f800000);
  int prev_i = 0x7fffffff;  // ranks before every finite value under this order
  for (int r = 0; r < k; ++r) {
    float bv = -__int_as_float(0x7f800000);
    int bi = -1;
    for (int c = threadIdx.x; c < cols; c += THREADS) {
      if (ranks_before(prev_v, prev_i, x[c], c) && ranks_before(x[c], c, bv, bi)) {
        bv = x[c];
        bi = c;
      }
    }
    sv[threadIdx.x] = bv;
    si[threadIdx.x] = bi;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s && ranks_before(sv[threadIdx.x + s], si[threadIdx.x + s], sv[threadIdx.x], si[threadIdx.x])) {
        sv[threadIdx.x] = sv[threadIdx.x + s];
        si[threadIdx.x] = si[threadIdx.x + s];
      }
      __syncthreads();
    }
    prev_v = sv[0];
    prev_i = si[0];
    if (threadIdx.x == 0) {
      values[(long)blockIdx.x * k + r] = prev_v;
      indices[(long)blockIdx.x * k + r] = prev_i;
    }
    __syncthreads();
  }
}
