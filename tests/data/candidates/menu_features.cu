// Compile-only check (tests/e2e/menus_cli_test.cpp): every device header, intrinsic and PTX
// instruction that prompts/templates/rules.md and menus/cuda.json tell a model to use compiles with
// NVRTC for sm_90a. The code is not meant to run.
/*@kopt
{"launch": [{"kernel": "features", "grid": [2], "block": [384], "cluster": [2, 1, 1], "smem": "65536", "args": ["X", "N", "S"]}]}
@kopt*/
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <mma.h>
#include <cooperative_groups.h>
#include <cuda_pipeline.h>
#include <cuda/barrier>
#include <cuda/pipeline>
#include <cuda/ptx>
#include <cuda/std/cstdint>
#include <kopt/tma.h>
namespace cg = cooperative_groups;

extern "C" __global__ void __launch_bounds__(384) features(const float* __restrict__ X, int n, float* S) {
  extern __shared__ __align__(1024) unsigned char smem[];
  __shared__ uint64_t mbar;
  __shared__ float partial[32];
  cg::cluster_group cluster = cg::this_cluster();
  float* remote = cluster.map_shared_rank(partial, 0);
  if (threadIdx.x == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" :: "r"((unsigned)__cvta_generic_to_shared(&mbar)));
  }
  __syncthreads();
  // cp.async (sm_80)
  __pipeline_memcpy_async(smem + 16 * threadIdx.x, X + 4 * threadIdx.x, 16);
  __pipeline_commit();
  __pipeline_wait_prior(0);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" :: "r"((unsigned)__cvta_generic_to_shared(smem + 8192 + 16 * threadIdx.x)), "l"(X + 4 * threadIdx.x), "r"(8));
  asm volatile("cp.async.commit_group;");
  asm volatile("cp.async.wait_group 0;");
  // bulk copy + expect_tx (sm_90)
  if (threadIdx.x == 0) {
    unsigned mb = (unsigned)__cvta_generic_to_shared(&mbar);
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" :: "r"(mb), "r"(1024));
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                 :: "r"((unsigned)__cvta_generic_to_shared(smem + 16384)), "l"(X), "r"(1024), "r"(mb) : "memory");
    asm volatile("{\n .reg .pred p;\n W: mbarrier.try_wait.parity.shared::cta.b64 p, [%0], %1;\n @!p bra W;\n}" :: "r"(mb), "r"(0));
  }
  cuda::ptx::fence_proxy_async();
  // setmaxnreg + wgmma fence (sm_90a)
  if (threadIdx.x < 128) asm volatile("setmaxnreg.dec.sync.aligned.u32 40;");
  else asm volatile("setmaxnreg.inc.sync.aligned.u32 232;");
  asm volatile("wgmma.fence.sync.aligned;");
  asm volatile("wgmma.commit_group.sync.aligned;");
  asm volatile("wgmma.wait_group.sync.aligned 0;");
  // ldmatrix + mma.sync (sm_80)
  unsigned a0, a1, a2, a3;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3) : "r"((unsigned)__cvta_generic_to_shared(smem + 16 * (threadIdx.x % 32))));
  float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
               : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a0), "r"(a1));
  unsigned t;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(t) : "f"(X[0]));
  // wmma bf16
  nvcuda::wmma::fragment<nvcuda::wmma::matrix_a, 16, 16, 16, __nv_bfloat16, nvcuda::wmma::row_major> fa;
  nvcuda::wmma::fragment<nvcuda::wmma::matrix_b, 16, 16, 16, __nv_bfloat16, nvcuda::wmma::col_major> fb;
  nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 16, float> fc;
  nvcuda::wmma::fill_fragment(fc, 0.f);
  nvcuda::wmma::load_matrix_sync(fa, reinterpret_cast<const __nv_bfloat16*>(smem), 16);
  nvcuda::wmma::load_matrix_sync(fb, reinterpret_cast<const __nv_bfloat16*>(smem), 16);
  nvcuda::wmma::mma_sync(fc, fa, fb, fc);
  // libcu++ barrier + memcpy_async
  __shared__ cuda::barrier<cuda::thread_scope_block> bar;
  if (threadIdx.x == 0) init(&bar, blockDim.x);
  __syncthreads();
  cuda::memcpy_async(smem + 32768, X, cuda::aligned_size_t<16>(1024), bar);
  bar.arrive_and_wait();
  // streaming loads, shuffles, reduce
  float v = __ldcs(X + threadIdx.x) + __ldg(X) + d0 + d1 + d2 + d3 + fc.x[0] + __int_as_float(t) + __expf(1.f) + __fdividef(1.f, 3.f);
  v += __shfl_xor_sync(0xffffffff, v, 16);
  unsigned u = __reduce_add_sync(0xffffffff, (unsigned)v);
  __nv_bfloat162 p = __floats2bfloat162_rn(v, v);
  float2 f2 = __bfloat1622float2(__hmul2(p, p));
  cluster.sync();
  if (threadIdx.x == 0 && cluster.block_rank() == 1) remote[0] = v + f2.x + u;
  cluster.sync();
  if (threadIdx.x == 0 && blockIdx.x == 0) __stcs(S, partial[0]);
}

// TMA through kopt's header (hopper.tma, hopper.tma_multicast): never launched, only compiled.
extern "C" __global__ void tma_features(const __grid_constant__ CUtensorMap in_map,
                                        const __grid_constant__ CUtensorMap out_map) {
  extern __shared__ __align__(1024) unsigned char tile[];
  __shared__ unsigned long long full;
  if (threadIdx.x == 0) {
    kopt_tma_prefetch(&in_map);
    kopt_mbarrier_init(&full, 1);
    kopt_fence_mbarrier_init();
  }
  kopt_cluster_sync();
  if (threadIdx.x == 0) {
    kopt_mbarrier_arrive_expect_tx(&full, 2 * 4096);
    kopt_tma_load_2d(tile, &in_map, &full, 0, 0);
    kopt_tma_load_2d_multicast(tile + 4096, &in_map, &full, 64, 0, 0x3);
  }
  kopt_mbarrier_wait(&full, 0);
  kopt_fence_proxy_async();
  __syncthreads();
  if (threadIdx.x == 0) {
    kopt_tma_store_2d(&out_map, tile, 0, 0);
    kopt_tma_store_commit();
    kopt_tma_store_wait_read();
    kopt_tma_store_wait();
    kopt_mbarrier_arrive_cluster(&full, kopt_cluster_rank() ^ 1);
  }
  kopt_cluster_sync();
}
