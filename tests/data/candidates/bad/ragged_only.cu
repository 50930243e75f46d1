// GEMM that steps K by 16 and drops the remainder: right when 16 divides K, wrong otherwise.
/*@kopt
{"launch": [{"kernel": "k", "grid": ["cdiv(N,16)", "cdiv(M,16)"], "block": [16, 16], "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
extern "C" __global__ void k(const float* A, const float* B, float* C, int M, int N, int K) {
  int row = blockIdx.y * 16 + threadIdx.y, col = blockIdx.x * 16 + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k0 = 0; k0 + 16 <= K; k0 += 16)
    for (int k = k0; k < k0 + 16; ++k) acc += A[(long)row * K + k] * B[(long)k * N + col];
  C[(long)row * N + col] = acc;
}
