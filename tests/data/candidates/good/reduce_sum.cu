// Grid-stride partial sums with 16-byte loads, warp-shuffle block reduction, then one block adds
// the per-block partials.
/*@kopt
{"launch": [{"kernel": "reduce_partial", "grid": [1056], "block": [512], "args": ["X", "N", "partial"]},
            {"kernel": "reduce_final", "grid": [1], "block": [1024], "args": ["partial", "S"]}],
 "workspace": [{"name": "partial", "bytes": "1056*4"}]}
@kopt*/
__device__ float block_sum(float v) {
  __shared__ float scratch[32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = v;
  __syncthreads();
  v = threadIdx.x < blockDim.x / 32 ? scratch[threadIdx.x] : 0.f;
  if (threadIdx.x < 32)
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  return v;
}
extern "C" __global__ void reduce_partial(const float* __restrict__ X, int n, float* partial) {
  float acc = 0.f;
  int n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(X);
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += gridDim.x * blockDim.x) {
    float4 v = x4[i];
    acc += (v.x + v.y) + (v.z + v.w);
  }
  if (blockIdx.x == 0 && threadIdx.x < n - n4 * 4) acc += X[n4 * 4 + threadIdx.x];
  acc = block_sum(acc);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}
extern "C" __global__ void reduce_final(const float* partial, float* S) {
  float acc = 0.f;
  for (int i = threadIdx.x; i < 1056; i += blockDim.x) acc += partial[i];
  acc = block_sum(acc);
  if (threadIdx.x == 0) S[0] = acc;
}
