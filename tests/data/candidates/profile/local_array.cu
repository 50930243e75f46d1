// A correct copy that keeps a 64-float array per thread indexed at run time (the last argument
// is 0, which the compiler cannot know), so the array lives in local memory: 256 bytes per
// thread. The profiler's tests expect the local memory and its traffic to show.
/*@kopt
{"launch": [{"kernel": "copy_local_array", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Y", "N", "0"]}]}
@kopt*/
extern "C" __global__ void copy_local_array(const float* X, float* Y, int n, int shift) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i >= n) return;
  float buf[64];
  int k = (int)(i & 63);
  for (int j = 0; j < 64; ++j) buf[j] = (float)j;
  buf[k] = X[i];
  Y[i] = buf[(k + shift) & 63];
}
