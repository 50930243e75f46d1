// Naive row argmax: one block per row; each thread scans a strided share, then a shared-memory
// tree reduction of (value, index) pairs. The larger value wins, and on equal values the lower
// index.
/*@kopt
{"launch": [{"kernel": "argmax_rows_naive", "grid": ["ROWS"], "block": [256],
             "args": ["X", "idx", "COLS"]}]}
@kopt*/
#define THREADS 256

extern "C" __global__ void argmax_rows_naive(const float* X, int* idx, int cols) {
  __shared__ float best_v[THREADS];
  __shared__ int best_i[THREADS];
  const float* x = X + (long)blockIdx.x * cols;
  float v = -__int_as_float(0x7f800000);
  int i = 0x7fffffff;
  for (int c = threadIdx.x; c < cols; c += THREADS) {
    if (x[c] > v) {  // columns rise, so strictly greater keeps the first of equal values
      v = x[c];
      i = c;
    }
  }
  best_v[threadIdx.x] = v;
  best_i[threadIdx.x] = i;
  __syncthreads();
  for (int s = THREADS / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      float ov = best_v[threadIdx.x + s];
      int oi = best_i[threadIdx.x + s];
      if (ov > best_v[threadIdx.x] || (ov == best_v[threadIdx.x] && oi < best_i[threadIdx.x])) {
        best_v[threadIdx.x] = ov;
        best_i[threadIdx.x] = oi;
      }
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) idx[blockIdx.x] = best_i[0];
}
