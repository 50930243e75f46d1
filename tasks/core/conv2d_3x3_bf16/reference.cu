// Naive direct 3x3 convolution: one thread per output pixel (grid x: pixels of one plane, y: the
// output channel, z: the image), summing C x 3 x 3 taps in fp32 and skipping those in the padding.
/*@kopt
{"launch": [{"kernel": "conv2d_3x3_naive", "grid": ["cdiv(H*W,256)", "K", "N"], "block": [256],
             "args": ["X", "weight", "Y", "C", "K", "H", "W"]}]}
@kopt*/
#include <cuda_bf16.h>
extern "C" __global__ void conv2d_3x3_naive(const __nv_bfloat16* X, const __nv_bfloat16* weight,
                                            __nv_bfloat16* Y, int C, int K, int H, int W) {
  int p = blockIdx.x * blockDim.x + threadIdx.x;
  int k = blockIdx.y;
  long n = blockIdx.z;
  if (p >= H * W) return;
  int h = p / W, w = p % W;
  float acc = 0.f;
  for (int c = 0; c < C; ++c) {
    const __nv_bfloat16* plane = X + (n * C + c) * H * W;
    const __nv_bfloat16* filter = weight + ((long)k * C + c) * 9;
    for (int r = 0; r < 3; ++r) {
      int hi = h + r - 1;
      if (hi < 0 || hi >= H) continue;
      for (int s = 0; s < 3; ++s) {
        int wi = w + s - 1;
        if (wi < 0 || wi >= W) continue;
        acc += __bfloat162float(plane[hi * W + wi]) * __bfloat162float(filter[r * 3 + s]);
      }
    }
  }
  Y[(n * K + k) * H * W + p] = __float2bfloat16(acc);
}
