// Races: each block scans its own 1024-element tile and then adds the last prefix written by the
// block before it, with no flag, fence or grid sync to wait for that block. Right only when the
// blocks happen to finish in order (one block, or a lucky schedule); a naive harness with a tiny N passes.
/*@kopt
{"launch": [{"kernel": "scan_chained", "grid": ["cdiv(N,1024)"], "block": [1024], "args": ["X", "Y", "N"]}]}
@kopt*/
extern "C" __global__ void scan_chained(const int* X, int* Y, int n) {
  __shared__ int s[1024];
  long i = blockIdx.x * 1024L + threadIdx.x;
  s[threadIdx.x] = i < n ? X[i] : 0;
  __syncthreads();
  for (int d = 1; d < 1024; d <<= 1) {  // Hillis-Steele scan of the tile
    int v = threadIdx.x >= d ? s[threadIdx.x - d] : 0;
    __syncthreads();
    s[threadIdx.x] += v;
    __syncthreads();
  }
  // BUG: reads the previous block's output without waiting for it to exist.
  int carry = blockIdx.x > 0 ? ((volatile int*)Y)[blockIdx.x * 1024L - 1] : 0;
  if (i < n) Y[i] = s[threadIdx.x] + carry;
}
