// Hangs: a home-made grid barrier (an atomic arrival counter, then spin until every block has
// arrived) in a grid of 16384 blocks of 1024 threads, far more than can be resident at once. The
// resident blocks spin waiting for blocks that can never be scheduled: a deadlock.
/*@kopt
{"launch": [{"kernel": "reduce_grid_barrier", "grid": [16384], "block": [1024], "args": ["X", "N", "S", "arrived"]}],
 "workspace": [{"name": "arrived", "bytes": "4"}]}
@kopt*/
extern "C" __global__ void reduce_grid_barrier(const float* X, int n, float* S, unsigned* arrived) {
  float acc = 0.f;
  for (long i = blockIdx.x * 1024L + threadIdx.x; i < n; i += 16384L * 1024) acc += X[i];
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffff, acc, o);
  if (threadIdx.x % 32 == 0) {
    if (blockIdx.x == 0 && threadIdx.x == 0) *S = 0.f;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    atomicAdd(arrived, 1u);
    // BUG: the workspace starts as 0xFFFFFFFF and not all 16384 blocks can be resident, so this
    // count is never reached by the blocks that are running.
    while (atomicAdd(arrived, 0u) != 16384u) __nanosleep(1000);
  }
  __syncthreads();
  if (threadIdx.x % 32 == 0) atomicAdd(S, acc);
}
