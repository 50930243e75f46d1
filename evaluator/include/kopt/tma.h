// SPDX-License-Identifier: Apache-2.0
// <kopt/tma.h>: the device side of TMA for kopt candidates (sm_90 and later), served to NVRTC by
// kopt itself. A kernel takes each tensor map of its launch block's "tensor_maps" as a parameter
// `const __grid_constant__ CUtensorMap name` and passes `&name` to these helpers; kopt encodes
// the map on the host for every launch. Coordinates and box sizes are in elements; coordinates
// are given innermost dimension first (c0 is the column of a row-major matrix), unlike the box
// in the launch block, which follows the tensor's shape (outermost first).
//
// A load lands one box in shared memory (16-byte aligned; 128-byte aligned, and 1024-byte for
// the 128B swizzle's atoms, as wgmma reads them) and counts its bytes on an mbarrier: before
// waiting, one thread calls kopt_mbarrier_arrive_expect_tx with the bytes of every box the
// phase expects, whole boxes even where they fall outside the tensor (those elements read as
// zero, or NaN with "oob_fill": "nan"). A store writes only the part of the box inside the tensor.
#pragma once

#if !defined(__cuda_cuda_h__)
// The layout cuda.h gives CUtensorMap: 128 opaque bytes, 128-byte aligned.
struct alignas(128) CUtensorMap_st {
  unsigned long long opaque[16];
};
typedef struct CUtensorMap_st CUtensorMap;
#endif

// ---- addresses ----

/// The 32-bit shared-memory address PTX takes for a pointer into shared memory.
__device__ __forceinline__ unsigned kopt_smem_addr(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

/// Fetches a tensor map into the descriptor cache ahead of its first use.
__device__ __forceinline__ void kopt_tma_prefetch(const CUtensorMap* map) {
  asm volatile("prefetch.tensormap [%0];" ::"l"(map) : "memory");
}

// ---- mbarriers (a 64-bit word in shared memory) ----

/// One thread initializes; `count` arrivals complete a phase (plus the expected bytes).
__device__ __forceinline__ void kopt_mbarrier_init(unsigned long long* bar, unsigned count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(kopt_smem_addr(bar)), "r"(count)
               : "memory");
}

/// Makes initialized mbarriers visible to the async proxy (TMA) and to the cluster; call after
/// the inits, before __syncthreads() (or a cluster barrier).
__device__ __forceinline__ void kopt_fence_mbarrier_init() {
  asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
}

/// Arrives and adds `bytes` to the transaction count the phase waits for.
__device__ __forceinline__ void kopt_mbarrier_arrive_expect_tx(unsigned long long* bar,
                                                               unsigned bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(kopt_smem_addr(bar)),
               "r"(bytes)
               : "memory");
}

__device__ __forceinline__ void kopt_mbarrier_arrive(unsigned long long* bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(kopt_smem_addr(bar)) : "memory");
}

/// Arrives on the mbarrier at the same offset in the shared memory of cluster block `cta`.
__device__ __forceinline__ void kopt_mbarrier_arrive_cluster(unsigned long long* bar,
                                                             unsigned cta) {
  asm volatile(
      "{\n\t.reg .b32 remote;\n\t"
      "mapa.shared::cluster.u32 remote, %0, %1;\n\t"
      "mbarrier.arrive.release.cluster.shared::cluster.b64 _, [remote];\n\t}" ::"r"(
          kopt_smem_addr(bar)),
      "r"(cta)
      : "memory");
}

/// True once the phase of parity `phase` (0 or 1, alternating) has completed.
__device__ __forceinline__ bool kopt_mbarrier_try_wait(unsigned long long* bar, unsigned phase) {
  unsigned done = 0;
  asm volatile(
      "{\n\t.reg .pred p;\n\t"
      "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n\t"
      "selp.u32 %0, 1, 0, p;\n\t}"
      : "=r"(done)
      : "r"(kopt_smem_addr(bar)), "r"(phase)
      : "memory");
  return done != 0;
}

__device__ __forceinline__ void kopt_mbarrier_wait(unsigned long long* bar, unsigned phase) {
  while (!kopt_mbarrier_try_wait(bar, phase)) {
  }
}

/// Orders this thread's earlier shared-memory writes before later TMA stores (or wgmma reads)
/// of the same memory.
__device__ __forceinline__ void kopt_fence_proxy_async() {
  asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
}

// ---- TMA loads: global -> shared, completion counted on `bar` ----

__device__ __forceinline__ void kopt_tma_load_1d(void* dst, const CUtensorMap* map,
                                                 unsigned long long* bar, int c0) {
  asm volatile(
      "cp.async.bulk.tensor.1d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3}], [%2];" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_load_2d(void* dst, const CUtensorMap* map,
                                                 unsigned long long* bar, int c0, int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4}], [%2];" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0), "r"(c1)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_load_3d(void* dst, const CUtensorMap* map,
                                                 unsigned long long* bar, int c0, int c1, int c2) {
  asm volatile(
      "cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4, %5}], [%2];" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0), "r"(c1), "r"(c2)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_load_4d(void* dst, const CUtensorMap* map,
                                                 unsigned long long* bar, int c0, int c1, int c2,
                                                 int c3) {
  asm volatile(
      "cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4, %5, %6}], [%2];" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0), "r"(c1), "r"(c2), "r"(c3)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_load_5d(void* dst, const CUtensorMap* map,
                                                 unsigned long long* bar, int c0, int c1, int c2,
                                                 int c3, int c4) {
  asm volatile(
      "cp.async.bulk.tensor.5d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4, %5, %6, %7}], [%2];" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0), "r"(c1), "r"(c2), "r"(c3), "r"(c4)
      : "memory");
}

/// A 2-D load multicast to the blocks of the cluster in `cta_mask` (bit i: cluster rank i):
/// each receives the box at the same shared-memory offset, counted on its own mbarrier at the
/// same offset as `bar`.
__device__ __forceinline__ void kopt_tma_load_2d_multicast(void* dst, const CUtensorMap* map,
                                                           unsigned long long* bar, int c0, int c1,
                                                           unsigned short cta_mask) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      ".multicast::cluster [%0], [%1, {%3, %4}], [%2], %5;" ::"r"(kopt_smem_addr(dst)),
      "l"(map), "r"(kopt_smem_addr(bar)), "r"(c0), "r"(c1), "h"(cta_mask)
      : "memory");
}

// ---- TMA stores: shared -> global, in bulk groups ----

__device__ __forceinline__ void kopt_tma_store_1d(const CUtensorMap* map, const void* src, int c0) {
  asm volatile(
      "cp.async.bulk.tensor.1d.global.shared::cta.tile.bulk_group [%0, {%2}], [%1];" ::"l"(map),
      "r"(kopt_smem_addr(src)), "r"(c0)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_store_2d(const CUtensorMap* map, const void* src, int c0,
                                                  int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.global.shared::cta.tile.bulk_group [%0, {%2, %3}], [%1];" ::"l"(map),
      "r"(kopt_smem_addr(src)), "r"(c0), "r"(c1)
      : "memory");
}

__device__ __forceinline__ void kopt_tma_store_3d(const CUtensorMap* map, const void* src, int c0,
                                                  int c1, int c2) {
  asm volatile(
      "cp.async.bulk.tensor.3d.global.shared::cta.tile.bulk_group [%0, {%2, %3, %4}], [%1];" ::"l"(
          map),
      "r"(kopt_smem_addr(src)), "r"(c0), "r"(c1), "r"(c2)
      : "memory");
}

/// Closes the bulk group of the stores issued so far by this thread.
__device__ __forceinline__ void kopt_tma_store_commit() {
  asm volatile("cp.async.bulk.commit_group;" ::: "memory");
}

/// Waits until every committed store group of this thread has finished reading shared memory
/// (its buffers may be overwritten).
__device__ __forceinline__ void kopt_tma_store_wait_read() {
  asm volatile("cp.async.bulk.wait_group.read 0;" ::: "memory");
}

/// Waits until every committed store group of this thread is complete (written to global).
__device__ __forceinline__ void kopt_tma_store_wait() {
  asm volatile("cp.async.bulk.wait_group 0;" ::: "memory");
}

// ---- clusters ----

/// This block's rank within its cluster.
__device__ __forceinline__ unsigned kopt_cluster_rank() {
  unsigned rank = 0;
  asm volatile("mov.u32 %0, %%cluster_ctarank;" : "=r"(rank));
  return rank;
}

/// Every thread of every block of the cluster arrives and waits.
__device__ __forceinline__ void kopt_cluster_sync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\n\tbarrier.cluster.wait.acquire.aligned;" ::
                   : "memory");
}
