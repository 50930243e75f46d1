// Block-wide max and sum through shared memory with the barriers left out: thread 0 reads the
// partial results before the other warps have written them.
/*@kopt
{"launch": [{"kernel": "k", "grid": ["ROWS"], "block": [1024], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
extern "C" __global__ void k(const float* X, float* Y, int rows, int cols) {
  __shared__ float part[1024];
  __shared__ float stat[2];
  const float* x = X + (long)blockIdx.x * cols;
  float m = -3.4e38f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, x[c]);
  part[threadIdx.x] = m;
  if (threadIdx.x == 0) {
    float mm = -3.4e38f;
    for (int i = 0; i < blockDim.x; ++i) mm = fmaxf(mm, part[i]);
    stat[0] = mm;
  }
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(x[c] - stat[0]);
  part[threadIdx.x] = s;
  if (threadIdx.x == 0) {
    float ss = 0.f;
    for (int i = 0; i < blockDim.x; ++i) ss += part[i];
    stat[1] = ss;
  }
  for (int c = threadIdx.x; c < cols; c += blockDim.x) Y[(long)blockIdx.x * cols + c] = expf(x[c] - stat[0]) / stat[1];
}
