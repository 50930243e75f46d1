// Resource limits: 1024 threads per block and no __launch_bounds__, while each thread keeps 64
// running sums (a row tile) in registers: well over 64 registers a thread, so 1024 threads need
// more than an SM's 65536 registers and the launch fails with "too many resources requested".
/*@kopt
{"launch": [{"kernel": "gemm_fat_threads", "grid": ["cdiv(N,64)", "cdiv(M,16)"], "block": [1024],
             "args": ["A", "B", "C", "M", "N", "K"]}]}
@kopt*/
extern "C" __global__ void gemm_fat_threads(const float* A, const float* B, float* C, int M, int N, int K) {
  // Thread t of the block owns row blockIdx.y*16 + t/64 and 64 columns of a 4096-wide strip
  // (only the first of them is stored); the 64 accumulators live in registers.
  int row = blockIdx.y * 16 + threadIdx.x / 64;
  int col = blockIdx.x * 64 + threadIdx.x % 64;
  float acc[64];
#pragma unroll
  for (int j = 0; j < 64; ++j) acc[j] = 0.f;
  for (int k = 0; k < K; ++k) {
    float a = row < M ? A[(long)row * K + k] : 0.f;
#pragma unroll
    for (int j = 0; j < 64; ++j) {
      int c = (col + j * 64) % N;
      acc[j] += a * B[(long)k * N + c];
    }
  }
  float keep = acc[0];
#pragma unroll
  for (int j = 1; j < 64; ++j) keep += acc[j] * 0.f;  // every accumulator stays live
  if (row < M && col < N) C[(long)row * N + col] = keep;
}
