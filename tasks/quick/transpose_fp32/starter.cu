// 32x32 tiles through shared memory padded by one column, so both the read and the write are
// coalesced and the column reads are free of bank conflicts. Tunable: rows of the tile each
// thread row covers per step (the block is 32 x BLOCK_ROWS threads).
/*@kopt
{"launch": [{"kernel": "transpose_tiled", "grid": ["cdiv(COLS,32)", "cdiv(ROWS,32)"], "block": [32, "BLOCK_ROWS"],
             "args": ["X", "Y", "ROWS", "COLS"]}],
 "tunables": {"BLOCK_ROWS": [8, 4, 16, 32]}}
@kopt*/
#ifndef BLOCK_ROWS
#define BLOCK_ROWS 8
#endif
extern "C" __global__ void transpose_tiled(const float* __restrict__ X, float* __restrict__ Y, int rows, int cols) {
  __shared__ float tile[32][33];
  int c = blockIdx.x * 32 + threadIdx.x;
  int r0 = blockIdx.y * 32;
  for (int i = threadIdx.y; i < 32; i += BLOCK_ROWS) {
    int r = r0 + i;
    if (r < rows && c < cols) tile[i][threadIdx.x] = X[(long)r * cols + c];
  }
  __syncthreads();
  int r = r0 + threadIdx.x;
  int c0 = blockIdx.x * 32;
  for (int i = threadIdx.y; i < 32; i += BLOCK_ROWS) {
    int cc = c0 + i;
    if (cc < cols && r < rows) Y[(long)cc * rows + r] = tile[threadIdx.x][i];
  }
}
