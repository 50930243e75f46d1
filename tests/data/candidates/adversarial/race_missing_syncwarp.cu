// Races: the classic warp-synchronous tail of a shared-memory tree reduction (volatile, no
// __syncwarp). Pre-Volta warps ran in lockstep so it worked; with independent thread scheduling it
// is a data race that still gives the right sum nearly always. racecheck reports the hazards.
/*@kopt
{"launch": [{"kernel": "partial_sums", "grid": [1024], "block": [256], "args": ["X", "N", "partial"]},
            {"kernel": "final_sum", "grid": [1], "block": [256], "args": ["partial", "S"]}],
 "workspace": [{"name": "partial", "bytes": "1024*4"}]}
@kopt*/
__device__ float tree_sum(float v, float* s) {
  int t = threadIdx.x;
  s[t] = v;
  __syncthreads();
  for (int stride = 128; stride > 32; stride >>= 1) {
    if (t < stride) s[t] += s[t + stride];
    __syncthreads();
  }
  if (t < 32) {
    volatile float* vs = s;  // BUG: no __syncwarp() between the steps
    vs[t] += vs[t + 32];
    vs[t] += vs[t + 16];
    vs[t] += vs[t + 8];
    vs[t] += vs[t + 4];
    vs[t] += vs[t + 2];
    vs[t] += vs[t + 1];
  }
  __syncthreads();
  return s[0];
}
extern "C" __global__ void partial_sums(const float* X, int n, float* partial) {
  __shared__ float s[256];
  float acc = 0.f;
  for (long i = blockIdx.x * 256L + threadIdx.x; i < n; i += 1024L * 256) acc += X[i];
  float total = tree_sum(acc, s);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}
extern "C" __global__ void final_sum(const float* partial, float* S) {
  __shared__ float s[256];
  float acc = 0.f;
  for (int i = threadIdx.x; i < 1024; i += 256) acc += partial[i];
  float total = tree_sum(acc, s);
  if (threadIdx.x == 0) S[0] = total;
}
