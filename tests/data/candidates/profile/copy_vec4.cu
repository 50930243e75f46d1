// Memory-bound: a 16-byte load and store per thread, the ragged tail element by element. The
// profiler's tests expect DRAM throughput well above 70% of peak.
/*@kopt
{"launch": [{"kernel": "copy_vec4", "grid": ["cdiv(N,1024)"], "block": [256], "args": ["X", "Y", "N"]}]}
@kopt*/
extern "C" __global__ void copy_vec4(const float* __restrict__ X, float* __restrict__ Y, int n) {
  long i = (blockIdx.x * (long)blockDim.x + threadIdx.x) * 4;
  if (i + 3 < n) {
    *reinterpret_cast<float4*>(Y + i) = *reinterpret_cast<const float4*>(X + i);
  } else {
    for (long j = i; j < n; ++j) Y[j] = X[j];
  }
}
