// Naive inclusive scan in three steps over chunks of 4096 elements: one thread per chunk adds up
// its chunk; one thread turns the chunk sums into starting offsets; one thread per chunk walks its
// chunk again from its offset, writing every prefix.
/*@kopt
{"launch": [{"kernel": "chunk_sums", "grid": ["cdiv(cdiv(N,4096),256)"], "block": [256],
             "args": ["X", "N", "sums"]},
            {"kernel": "chunk_offsets", "grid": [1], "block": [1],
             "args": ["sums", "offsets", "cdiv(N,4096)"]},
            {"kernel": "chunk_scan", "grid": ["cdiv(cdiv(N,4096),256)"], "block": [256],
             "args": ["X", "Y", "N", "offsets"]}],
 "workspace": [{"name": "sums", "bytes": "4*cdiv(N,4096)"},
               {"name": "offsets", "bytes": "4*cdiv(N,4096)"}]}
@kopt*/
#define CHUNK 4096

extern "C" __global__ void chunk_sums(const int* X, int n, int* sums) {
  long chunk = blockIdx.x * (long)blockDim.x + threadIdx.x;
  long begin = chunk * CHUNK;
  if (begin >= n) return;
  long end = min(begin + CHUNK, (long)n);
  int acc = 0;
  for (long i = begin; i < end; ++i) acc += X[i];
  sums[chunk] = acc;
}

extern "C" __global__ void chunk_offsets(const int* sums, int* offsets, int chunks) {
  int acc = 0;
  for (int c = 0; c < chunks; ++c) {
    offsets[c] = acc;
    acc += sums[c];
  }
}

extern "C" __global__ void chunk_scan(const int* X, int* Y, int n, const int* offsets) {
  long chunk = blockIdx.x * (long)blockDim.x + threadIdx.x;
  long begin = chunk * CHUNK;
  if (begin >= n) return;
  long end = min(begin + CHUNK, (long)n);
  int acc = offsets[chunk];
  for (long i = begin; i < end; ++i) {
    acc += X[i];
    Y[i] = acc;
  }
}
