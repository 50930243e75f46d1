// transpose_fp32 fed by TMA: one 32x32 tile per block is loaded by a tensor map (128-byte
// swizzle, so the transposed reads of shared memory are 4-way rather than 32-way bank
// conflicts), transposed in shared memory, and stored by a second tensor map. TMA needs rows of
// a multiple of 16 bytes, so sizes with ROWS or COLS not a multiple of 4 take the plain variant.
/*@kopt
{"variants": [
  {"when": "ROWS % 4 == 0 && COLS % 4 == 0",
   "tensor_maps": [
     {"name": "x_map", "tensor": "X", "box": [32, 32], "swizzle": "128B", "l2_promotion": "256B"},
     {"name": "y_map", "tensor": "Y", "box": [32, 32]}],
   "launch": [{"kernel": "transpose_tma", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,32)"],
               "block": [32, 8], "smem": 9216, "args": ["x_map", "y_map"]}]},
  {"launch": [{"kernel": "transpose_tiled", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,32)"],
               "block": [32, 8], "args": ["X", "Y", "ROWS", "COLS"]}]}]}
@kopt*/
#include <kopt/tma.h>

extern "C" __global__ void __launch_bounds__(256)
    transpose_tma(const __grid_constant__ CUtensorMap x_map,
                  const __grid_constant__ CUtensorMap y_map) {
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  // The 128-byte swizzle repeats every 1024 bytes and needs a 1024-byte aligned box.
  unsigned char* base = reinterpret_cast<unsigned char*>(
      (reinterpret_cast<unsigned long long>(smem_raw) + 1023) & ~1023ull);
  float* in = reinterpret_cast<float*>(base);             // 32 x 32, swizzled
  float* out = reinterpret_cast<float*>(base + 4096);     // 32 x 32, dense
  unsigned long long* bar = reinterpret_cast<unsigned long long*>(base + 8192);
  const int col0 = blockIdx.x * 32, row0 = blockIdx.y * 32;
  const int tid = threadIdx.y * 32 + threadIdx.x;
  if (tid == 0) {
    kopt_tma_prefetch(&x_map);
    kopt_mbarrier_init(bar, 1);
    kopt_fence_mbarrier_init();
  }
  __syncthreads();
  if (tid == 0) {
    kopt_mbarrier_arrive_expect_tx(bar, 32 * 32 * sizeof(float));
    kopt_tma_load_2d(in, &x_map, bar, col0, row0);
  }
  kopt_mbarrier_wait(bar, 0);
  // out[c][r] = in[r][c]; the 16-byte chunk c/4 of row r sits at chunk (c/4) ^ (r % 8).
  const int r = threadIdx.x;
  for (int c = threadIdx.y; c < 32; c += 8) {
    out[c * 32 + r] = in[r * 32 + (((c >> 2) ^ (r & 7)) << 2) + (c & 3)];
  }
  kopt_fence_proxy_async();
  __syncthreads();
  if (tid == 0) {
    kopt_tma_store_2d(&y_map, out, row0, col0);  // clipped to Y's bounds by TMA
    kopt_tma_store_commit();
    kopt_tma_store_wait_read();
  }
}

extern "C" __global__ void __launch_bounds__(256)
    transpose_tiled(const float* __restrict__ X, float* __restrict__ Y, int rows, int cols) {
  __shared__ float tile[32][33];
  const int c = blockIdx.x * 32 + threadIdx.x;
  for (int dy = threadIdx.y; dy < 32; dy += 8) {
    int r = blockIdx.y * 32 + dy;
    if (r < rows && c < cols) tile[dy][threadIdx.x] = X[(long long)r * cols + c];
  }
  __syncthreads();
  const int r = blockIdx.y * 32 + threadIdx.x;
  for (int dx = threadIdx.y; dx < 32; dx += 8) {
    int cc = blockIdx.x * 32 + dx;
    if (cc < cols && r < rows) Y[(long long)cc * rows + r] = tile[threadIdx.x][dx];
  }
}
