// gemm_bf16_4096 on Hopper: TMA loads into a 4-stage shared-memory ring, wgmma on tensor cores.
// A block computes a 128x256 tile of C with three warpgroups: warpgroup 0 is the producer (one
// thread issues the TMA loads of each 64-wide K slice: A as one 128x64 box, B as four 64x64
// boxes, all with the 128-byte swizzle wgmma reads), warpgroups 1 and 2 are consumers (each owns
// 64 rows of the tile and issues wgmma.m64n256k16 on them). Full and empty mbarriers pass each
// stage between them; setmaxnreg moves registers from the producer to the consumers, which hold
// 128 fp32 accumulators per thread. The epilogue rounds to bf16 and stores with bounds checks.
// TMA needs 16-byte aligned rows (K and N multiples of 8 bf16); other sizes run the plain
// variant. Out-of-range parts of a box (ragged M, N or K) are zero-filled by TMA.
/*@kopt
{"variants": [
  {"when": "K % 8 == 0 && N % 8 == 0",
   "tensor_maps": [
     {"name": "a_map", "tensor": "A", "box": [128, 64], "swizzle": "128B", "l2_promotion": "256B"},
     {"name": "b_map", "tensor": "B", "box": [64, 64], "swizzle": "128B", "l2_promotion": "256B"}],
   "launch": [{"kernel": "gemm_tma_wgmma", "grid": ["cdiv(N,256)", "cdiv(M,128)"], "block": [384],
               "smem": 197696, "args": ["a_map", "b_map", "C", "M", "N", "K"]}]},
  {"launch": [{"kernel": "gemm_plain", "grid": ["cdiv(N,16)", "cdiv(M,16)"], "block": [16, 16],
               "args": ["A", "B", "C", "M", "N", "K"]}]}]}
@kopt*/
#include <cuda_bf16.h>
#include <kopt/tma.h>

constexpr int kBlockM = 128, kBlockN = 256, kBlockK = 64, kStages = 4;
constexpr int kATileBytes = kBlockM * kBlockK * 2;  // 16 KiB
constexpr int kBBoxBytes = kBlockK * 64 * 2;        // one 64x64 box: 8 KiB
constexpr int kBTileBytes = kBlockN / 64 * kBBoxBytes;
constexpr int kStageBytes = kATileBytes + kBTileBytes;

// A shared-memory matrix descriptor with the 128-byte swizzle (mode 1 in bits 62-63): start
// address, leading and stride byte offsets, each in 16-byte units. Every tile starts on a
// 1024-byte boundary, so the base offset is 0.
__device__ __forceinline__ unsigned long long SwizzledDescriptor(const void* p,
                                                                 unsigned leading_bytes,
                                                                 unsigned stride_bytes) {
  unsigned long long address = kopt_smem_addr(p);
  return ((address & 0x3FFFF) >> 4) | ((unsigned long long)((leading_bytes & 0x3FFFF) >> 4) << 16) |
         ((unsigned long long)((stride_bytes & 0x3FFFF) >> 4) << 32) | (1ull << 62);
}

// One wgmma.m64n256k16 (bf16 in, fp32 accumulate into d): A K-major, B N-major (the trailing
// "0, 1": A not transposed, B transposed), both read from shared memory through descriptors.
__device__ __forceinline__ void wgmma_m64n256k16(float (&d)[128], unsigned long long desc_a,
                                                 unsigned long long desc_b) {
  asm volatile(
      "{\n\t"
      ".reg .pred accumulate;\n\t"
      "setp.ne.b32 accumulate, %130, 0;\n\t"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16\n\t"
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127},\n\t"
      "%128, %129, accumulate, 1, 1, 0, 1;\n\t"
      "}"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
        "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
        "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
        "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]),
        "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]),
        "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]),
        "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
        "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]),
        "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]),
        "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]),
        "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]),
        "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]),
        "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]),
        "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]),
        "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]),
        "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "l"(desc_a), "l"(desc_b), "r"(1));
}

extern "C" __global__ void __launch_bounds__(384, 1)
    gemm_tma_wgmma(const __grid_constant__ CUtensorMap a_map,
                   const __grid_constant__ CUtensorMap b_map, __nv_bfloat16* __restrict__ C,
                   int M, int N, int K) {
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  unsigned char* base = reinterpret_cast<unsigned char*>(
      (reinterpret_cast<unsigned long long>(smem_raw) + 1023) & ~1023ull);
  unsigned char* a_tiles = base;                       // kStages x [128 rows][64 K], swizzled
  unsigned char* b_tiles = base + kStages * kATileBytes;  // kStages x 4 x [64 K][64 N], swizzled
  unsigned long long* full = reinterpret_cast<unsigned long long*>(base + kStages * kStageBytes);
  unsigned long long* empty = full + kStages;

  const int warpgroup = threadIdx.x / 128;
  const int tid = threadIdx.x % 128;
  const int m0 = blockIdx.y * kBlockM, n0 = blockIdx.x * kBlockN;
  const int k_tiles = (K + kBlockK - 1) / kBlockK;

  if (threadIdx.x == 0) {
    kopt_tma_prefetch(&a_map);
    kopt_tma_prefetch(&b_map);
    for (int s = 0; s < kStages; ++s) {
      kopt_mbarrier_init(&full[s], 1);
      kopt_mbarrier_init(&empty[s], 8);  // one arrival per consumer warp (2 warpgroups of 4)
    }
    kopt_fence_mbarrier_init();
  }
  __syncthreads();

  if (warpgroup == 0) {
    asm volatile("setmaxnreg.dec.sync.aligned.u32 40;");
    if (tid == 0) {
      for (int kt = 0; kt < k_tiles; ++kt) {
        const int s = kt % kStages;
        // Round r of a stage waits for the consumers' release of round r - 1.
        if (kt >= kStages) kopt_mbarrier_wait(&empty[s], ((kt / kStages) + 1) & 1);
        kopt_mbarrier_arrive_expect_tx(&full[s], kStageBytes);
        kopt_tma_load_2d(a_tiles + s * kATileBytes, &a_map, &full[s], kt * kBlockK, m0);
        for (int j = 0; j < kBlockN / 64; ++j) {
          kopt_tma_load_2d(b_tiles + s * kBTileBytes + j * kBBoxBytes, &b_map, &full[s],
                           n0 + j * 64, kt * kBlockK);
        }
      }
    }
    return;
  }

  asm volatile("setmaxnreg.inc.sync.aligned.u32 232;");
  const int consumer = warpgroup - 1;  // rows consumer*64 .. +63 of the tile
  float d[128];
#pragma unroll
  for (int i = 0; i < 128; ++i) d[i] = 0.f;

  for (int kt = 0; kt < k_tiles; ++kt) {
    const int s = kt % kStages;
    kopt_mbarrier_wait(&full[s], (kt / kStages) & 1);
    asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
#pragma unroll
    for (int kk = 0; kk < kBlockK / 16; ++kk) {
      // A, K-major: 8-row groups 1024 bytes apart; a 16-wide K step is 32 bytes into the row.
      unsigned long long desc_a = SwizzledDescriptor(
          a_tiles + s * kATileBytes + consumer * 64 * 128 + kk * 32, 16, 1024);
      // B, N-major: 64-column boxes 8 KiB apart (leading), 8-row K groups 1024 bytes apart
      // (stride); a 16-deep K step is 16 rows of 128 bytes.
      unsigned long long desc_b =
          SwizzledDescriptor(b_tiles + s * kBTileBytes + kk * 16 * 128, kBBoxBytes, 1024);
      wgmma_m64n256k16(d, desc_a, desc_b);
    }
    asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
    // Keep this K slice's MMAs in flight; the previous slice's are done, so release its stage.
    // wait_group speaks for the warp that runs it, so each warp releases for itself.
    asm volatile("wgmma.wait_group.sync.aligned 1;" ::: "memory");
    if (kt > 0 && tid % 32 == 0) kopt_mbarrier_arrive(&empty[(kt - 1) % kStages]);
  }
  asm volatile("wgmma.wait_group.sync.aligned 0;" ::: "memory");
#pragma unroll
  for (int i = 0; i < 128; ++i) asm volatile("" : "+f"(d[i])::"memory");

  // Accumulator layout of m64nNk16: thread (warp w, lane l) holds rows 16w + l/4 and +8, columns
  // 8j + 2(l%4) and +1, for j = 0 .. N/8-1.
  const int warp = tid / 32, lane = tid % 32;
  const int row = m0 + consumer * 64 + warp * 16 + lane / 4;
#pragma unroll
  for (int j = 0; j < kBlockN / 8; ++j) {
    const int col = n0 + j * 8 + (lane % 4) * 2;
    if (col >= N) continue;
    if (row < M) {
      *reinterpret_cast<__nv_bfloat162*>(C + (long long)row * N + col) =
          __floats2bfloat162_rn(d[4 * j], d[4 * j + 1]);
    }
    if (row + 8 < M) {
      *reinterpret_cast<__nv_bfloat162*>(C + (long long)(row + 8) * N + col) =
          __floats2bfloat162_rn(d[4 * j + 2], d[4 * j + 3]);
    }
  }
}

// Any size: a 16x16 output tile per block, K in steps of 16 through shared memory, fp32 sums.
extern "C" __global__ void __launch_bounds__(256)
    gemm_plain(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B,
               __nv_bfloat16* __restrict__ C, int M, int N, int K) {
  __shared__ float a_tile[16][17], b_tile[16][17];
  const int row = blockIdx.y * 16 + threadIdx.y, col = blockIdx.x * 16 + threadIdx.x;
  float sum = 0.f;
  for (int k0 = 0; k0 < K; k0 += 16) {
    const int ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] =
        row < M && ka < K ? __bfloat162float(A[(long long)row * K + ka]) : 0.f;
    b_tile[threadIdx.y][threadIdx.x] =
        kb < K && col < N ? __bfloat162float(B[(long long)kb * N + col]) : 0.f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < 16; ++k) sum += a_tile[threadIdx.y][k] * b_tile[k][threadIdx.x];
    __syncthreads();
  }
  if (row < M && col < N) C[(long long)row * N + col] = __float2bfloat16_rn(sum);
}
