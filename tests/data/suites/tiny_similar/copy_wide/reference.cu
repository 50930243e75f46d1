// Naive chunked copy: each thread copies 64 consecutive elements, so a warp's loads are 256
// bytes apart (uncoalesced).
/*@kopt
{"launch": [{"kernel": "copy_chunked", "grid": ["cdiv(N,64*256)"], "block": [256],
             "args": ["X", "Y", "N"]}]}
@kopt*/
extern "C" __global__ void copy_chunked(const float* X, float* Y, int n) {
  long first = (blockIdx.x * (long)blockDim.x + threadIdx.x) * 64;
  for (long i = first; i < first + 64 && i < n; ++i) Y[i] = X[i];
}
