// Signature: declares the element count as long long while the launch block passes N as int32.
// kopt packs every argument into an 8-byte zeroed slot, so on little-endian the upper half reads 0
// and it works; the kernel's parameter layout (an 8-byte slot where 4 bytes were given) is wrong.
/*@kopt
{"launch": [{"kernel": "partial_sums", "grid": [1024], "block": [256], "args": ["X", "N", "partial"]},
            {"kernel": "final_sum", "grid": [1], "block": [1024], "args": ["partial", "S"]}],
 "workspace": [{"name": "partial", "bytes": "1024*4"}]}
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
extern "C" __global__ void partial_sums(const float* X, long long n, float* partial) {  // BUG: int32 passed
  float acc = 0.f;
  for (long long i = blockIdx.x * 256LL + threadIdx.x; i < n; i += 1024LL * 256) acc += X[i];
  acc = block_sum(acc);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}
extern "C" __global__ void final_sum(const float* partial, float* S) {
  float acc = 0.f;
  for (int i = threadIdx.x; i < 1024; i += blockDim.x) acc += partial[i];
  acc = block_sum(acc);
  if (threadIdx.x == 0) S[0] = acc;
}
