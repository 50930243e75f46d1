// Naive histogram: zero the counters, then one thread per element adds one to its bin with a
// global atomic.
/*@kopt
{"launch": [{"kernel": "zero_counts", "grid": ["cdiv(BINS,256)"], "block": [256],
             "args": ["counts", "BINS"]},
            {"kernel": "histogram_naive", "grid": ["cdiv(N,256)"], "block": [256],
             "args": ["X", "counts", "N", "BINS"]}]}
@kopt*/
extern "C" __global__ void zero_counts(int* counts, int bins) {
  int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b < bins) counts[b] = 0;
}

extern "C" __global__ void histogram_naive(const int* X, int* counts, int n, int bins) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i >= n) return;
  int v = X[i];
  if (v >= 0 && v < bins) atomicAdd(&counts[v], 1);
}
