// Row softmax with fast intrinsics: __expf (ex2.approx) and __fdividef. Their error, a few ulps
// plus ~1.2 ulp per unit of |x - max| (|x - max| < 40 here), is ~3e-6 relative at worst, well inside
// rtol 1e-4. Rows of up to 4096 floats stay in registers (one read of X); other rows are re-read.
/*@kopt
{"launch": [{"kernel": "softmax_fast", "grid": ["ROWS"], "block": [256], "args": ["X", "Y", "ROWS", "COLS"]}]}
@kopt*/
#define THREADS 256
#define PER 4  // float4s per thread kept in registers: 256 * 4 * 4 = 4096 columns

__device__ float block_reduce(float v, bool is_max, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < THREADS / 32 ? scratch[lane] : (is_max ? -3.4e38f : 0.f);
  for (int o = 16; o > 0; o >>= 1) {
    float other = __shfl_xor_sync(0xffffffff, v, o);
    v = is_max ? fmaxf(v, other) : v + other;
  }
  __syncthreads();  // scratch is reused by the next reduction
  return v;
}

extern "C" __global__ void __launch_bounds__(THREADS) softmax_fast(const float* __restrict__ X,
                                                                   float* __restrict__ Y, int rows, int cols) {
  __shared__ float scratch[32];
  const float* x = X + (long)blockIdx.x * cols;
  float* y = Y + (long)blockIdx.x * cols;
  bool vec = cols % 4 == 0 && cols <= THREADS * PER * 4;  // rows then start 16-byte aligned
  if (vec) {
    int n4 = cols / 4;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    float4* y4 = reinterpret_cast<float4*>(y);
    float4 v[PER];
    float m = -3.4e38f;
#pragma unroll
    for (int j = 0; j < PER; ++j) {
      int c = threadIdx.x + j * THREADS;
      v[j] = c < n4 ? x4[c] : make_float4(-3.4e38f, -3.4e38f, -3.4e38f, -3.4e38f);
      m = fmaxf(m, fmaxf(fmaxf(v[j].x, v[j].y), fmaxf(v[j].z, v[j].w)));
    }
    m = block_reduce(m, true, scratch);
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < PER; ++j) {
      if (threadIdx.x + j * THREADS < n4) {
        v[j] = make_float4(__expf(v[j].x - m), __expf(v[j].y - m), __expf(v[j].z - m), __expf(v[j].w - m));
        s += (v[j].x + v[j].y) + (v[j].z + v[j].w);
      }
    }
    s = block_reduce(s, false, scratch);
#pragma unroll
    for (int j = 0; j < PER; ++j) {
      int c = threadIdx.x + j * THREADS;
      if (c < n4)
        y4[c] = make_float4(__fdividef(v[j].x, s), __fdividef(v[j].y, s), __fdividef(v[j].z, s),
                            __fdividef(v[j].w, s));
    }
    return;
  }
  float m = -3.4e38f;
  for (int c = threadIdx.x; c < cols; c += THREADS) m = fmaxf(m, x[c]);
  m = block_reduce(m, true, scratch);
  float s = 0.f;
  for (int c = threadIdx.x; c < cols; c += THREADS) s += __expf(x[c] - m);
  s = block_reduce(s, false, scratch);
  for (int c = threadIdx.x; c < cols; c += THREADS) y[c] = __fdividef(__expf(x[c] - m), s);
}
