// Precision: an "fp32" GEMM that rounds both operands to TF32 (10-bit mantissa, cvt.rna.tf32.f32),
// what allowing TF32 tensor cores for fp32 matmul does. About 1e-2 absolute error at K = 1024,
// ten times the task's tolerance; a harness that accepts TF32 as "fp32" passes it.
/*@kopt
{"launch": [{"kernel": "gemm_tf32", "grid": ["cdiv(N,16)", "cdiv(M,16)"], "block": [16, 16],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
__device__ float to_tf32(float x) {
  unsigned r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return __uint_as_float(r);
}
extern "C" __global__ void gemm_tf32(const float* A, const float* B, float* C, int M, int N, int K) {
  __shared__ float As[16][16], Bs[16][16];
  int row = blockIdx.y * 16 + threadIdx.y, col = blockIdx.x * 16 + threadIdx.x;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += 16) {
    int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
    As[threadIdx.y][threadIdx.x] = to_tf32(row < M && ka < K ? A[(long)row * K + ka] : 0.f);
    Bs[threadIdx.y][threadIdx.x] = to_tf32(kb < K && col < N ? B[(long)kb * N + col] : 0.f);
    __syncthreads();
    for (int k = 0; k < 16; ++k) acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
    __syncthreads();
  }
  if (row < M && col < N) C[(long)row * N + col] = acc;
}
