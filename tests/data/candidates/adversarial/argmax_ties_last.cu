// Benign numerics: argmax with >= in the scan and the higher index winning the merge, so ties go
// to the last column; the task's rule is the lowest index. kopt's normal inputs never tie at the
// maximum, so it passes; quantized or clamped logits (many equal maxima) expose it.
/*@kopt
{"launch": [{"kernel": "argmax_last_tie", "grid": ["ROWS"], "block": [256], "args": ["X", "idx", "COLS"]}]}
@kopt*/
extern "C" __global__ void argmax_last_tie(const float* X, int* idx, int cols) {
  __shared__ float sv[8];
  __shared__ int si[8];
  const float* x = X + (long)blockIdx.x * cols;
  float v = -__int_as_float(0x7f800000);
  int i = -1;
  for (int c = threadIdx.x; c < cols; c += 256) {
    if (x[c] >= v) {  // BUG: >= keeps the last of equal values
      v = x[c];
      i = c;
    }
  }
  for (int o = 16; o > 0; o >>= 1) {
    float ov = __shfl_xor_sync(0xffffffff, v, o);
    int oi = __shfl_xor_sync(0xffffffff, i, o);
    if (ov > v || (ov == v && oi > i)) {  // BUG: the higher index wins a tie
      v = ov;
      i = oi;
    }
  }
  if (threadIdx.x % 32 == 0) {
    sv[threadIdx.x / 32] = v;
    si[threadIdx.x / 32] = i;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < 8; ++w)
      if (sv[w] > v || (sv[w] == v && si[w] > i)) {
        v = sv[w];
        i = si[w];
      }
    idx[blockIdx.x] = i;
  }
}
