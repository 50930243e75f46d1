// Split reduction with atomics: a first launch zeroes S, then 1056 blocks (8 per H100 SM) each
// sum a grid-stride share with 16-byte loads, reduce it in the block and atomicAdd one float into S.
// The order of those 1056 additions varies run to run by ~1e-3 at |S| ~ 8000, inside atol 0.2.
/*@kopt
{"launch": [{"kernel": "zero_sum", "grid": [1], "block": [1], "args": ["S"]},
            {"kernel": "sum_atomic", "grid": [1056], "block": [512], "args": ["X", "N", "S"]}]}
@kopt*/
extern "C" __global__ void zero_sum(float* S) { S[0] = 0.f; }

extern "C" __global__ void __launch_bounds__(512) sum_atomic(const float* __restrict__ X, int n, float* S) {
  __shared__ float scratch[16];
  float acc = 0.f;
  int n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(X);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += gridDim.x * blockDim.x) {
    float4 v = x4[i];
    acc += (v.x + v.y) + (v.z + v.w);
  }
  if (blockIdx.x == 0 && threadIdx.x < n - n4 * 4) acc += X[n4 * 4 + threadIdx.x];
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = acc;
  __syncthreads();
  if (threadIdx.x < 32) {
    acc = threadIdx.x < 16 ? scratch[threadIdx.x] : 0.f;
    for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, o);
    if (threadIdx.x == 0) atomicAdd(S, acc);
  }
}
