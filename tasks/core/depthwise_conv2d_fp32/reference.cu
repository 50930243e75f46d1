// Naive depthwise 3x3 convolution: one thread per output pixel (grid x: pixels of one plane,
// y: the channel, z: the image), summing the 9 taps in fp32 and skipping those in the padding.
/*@kopt
{"launch": [{"kernel": "depthwise_conv2d_naive", "grid": ["cdiv(H*W,256)", "C", "N"],
             "block": [256], "args": ["X", "weight", "Y", "C", "H", "W"]}]}
@kopt*/
extern "C" __global__ void depthwise_conv2d_naive(const float* X, const float* weight, float* Y,
                                                  int C, int H, int W) {
  int p = blockIdx.x * blockDim.x + threadIdx.x;
  int c = blockIdx.y;
  long n = blockIdx.z;
  if (p >= H * W) return;
  int h = p / W, w = p % W;
  const float* plane = X + (n * C + c) * H * W;
  const float* filter = weight + (long)c * 9;
  float acc = 0.f;
  for (int r = 0; r < 3; ++r) {
    int hi = h + r - 1;
    if (hi < 0 || hi >= H) continue;
    for (int s = 0; s < 3; ++s) {
      int wi = w + s - 1;
      if (wi < 0 || wi >= W) continue;
      acc += plane[hi * W + wi] * filter[r * 3 + s];
    }
  }
  Y[(n * C + c) * H * W + p] = acc;
}
