// Naive sum: 256 blocks of 256 threads each add a strided share in double, then one thread adds
// the 65536 partial sums in order. Deterministic and accurate.
/*@kopt
{"launch": [{"kernel": "partial_sums", "grid": [256], "block": [256], "args": ["X", "N", "partial"]},
            {"kernel": "final_sum", "grid": [1], "block": [1], "args": ["partial", "S"]}],
 "workspace": [{"name": "partial", "bytes": "65536*8"}]}
@kopt*/
extern "C" __global__ void partial_sums(const float* X, int n, double* partial) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  double acc = 0;
  for (long i = t; i < n; i += 65536) acc += X[i];
  partial[t] = acc;
}
extern "C" __global__ void final_sum(const double* partial, float* S) {
  double acc = 0;
  for (int i = 0; i < 65536; ++i) acc += partial[i];
  S[0] = (float)acc;
}
