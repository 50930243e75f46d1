// Histogram with privatized counters: a first launch zeroes the 256 global bins; then each block
// counts a grid-stride share (int4 loads) into its own shared-memory histogram and adds its 256
// totals to the global one. Integer atomics are exact in any order.
/*@kopt
{"launch": [{"kernel": "zero_bins", "grid": [1], "block": [256], "args": ["counts", "BINS"]},
            {"kernel": "histogram_private", "grid": [528], "block": [512], "args": ["X", "counts", "N", "BINS"]}]}
@kopt*/
#define MAX_BINS 256

extern "C" __global__ void zero_bins(int* counts, int bins) {
  for (int b = threadIdx.x; b < bins; b += blockDim.x) counts[b] = 0;
}

__device__ void count(int* local, int v, int bins) {
  if (v >= 0 && v < bins) atomicAdd(&local[v], 1);
}

extern "C" __global__ void __launch_bounds__(512) histogram_private(const int* __restrict__ X, int* counts,
                                                                    int n, int bins) {
  __shared__ int local[MAX_BINS];
  for (int b = threadIdx.x; b < MAX_BINS; b += blockDim.x) local[b] = 0;
  __syncthreads();
  int n4 = n / 4;
  const int4* x4 = reinterpret_cast<const int4*>(X);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += gridDim.x * blockDim.x) {
    int4 v = x4[i];
    count(local, v.x, bins);
    count(local, v.y, bins);
    count(local, v.z, bins);
    count(local, v.w, bins);
  }
  if (blockIdx.x == 0 && threadIdx.x < n - n4 * 4) count(local, X[n4 * 4 + threadIdx.x], bins);
  __syncthreads();
  for (int b = threadIdx.x; b < bins && b < MAX_BINS; b += blockDim.x)
    if (local[b]) atomicAdd(&counts[b], local[b]);
}
