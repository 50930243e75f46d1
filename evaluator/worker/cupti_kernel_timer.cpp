// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/cupti_kernel_timer.h"

#include "evaluator/worker/cupti_status.h"

#include <cupti.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kopt {
namespace {

constexpr std::size_t kBufferBytes = 8 << 20;

// CUPTI delivers buffers through C callbacks; they append here.
std::mutex g_mutex;
std::vector<KernelSpan> g_spans;

void CUPTIAPI BufferRequested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = kBufferBytes;
  *max_records = 0;
}

void CUPTIAPI BufferCompleted(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t valid) {
  CUpti_Activity* record = nullptr;
  std::lock_guard<std::mutex> lock(g_mutex);
  while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
    if (record->kind == CUPTI_ACTIVITY_KIND_KERNEL ||
        record->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) {
      const auto* kernel = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
      // kopt's own kernels between samples (output verification) are not the candidate's
      // time; candidates may not use the prefix (core/launch_block.cpp).
      if (kernel->name && std::strncmp(kernel->name, "kopt_", 5) == 0) continue;
      g_spans.push_back({kernel->start, kernel->end});
    }
  }
  std::free(buffer);
}

}  // namespace

CuptiKernelTimer::CuptiKernelTimer() {
  if (const char* off = std::getenv("KOPT_NO_CUPTI"); off && *off && *off != '0') {
    why_ = "disabled by KOPT_NO_CUPTI";
    return;
  }
  CUptiResult result = cuptiActivityRegisterCallbacks(BufferRequested, BufferCompleted);
  if (result != CUPTI_SUCCESS) {
    why_ = "CUPTI activity API unavailable: " + CuptiStatusText(result);
    return;
  }
  available_ = true;
}

CuptiKernelTimer::~CuptiKernelTimer() {
  if (running_) Stop();
}

void CuptiKernelTimer::Start() {
  if (!available_) return;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_spans.clear();
  }
  // KERNEL (not CONCURRENT_KERNEL) serialises kernels without instrumenting their code; kopt's
  // launch sequences run on one stream anyway.
  CUptiResult result = cuptiActivityEnable(CUPTI_ACTIVITY_KIND_KERNEL);
  if (result != CUPTI_SUCCESS) {
    available_ = false;
    why_ = "CUPTI kernel activity could not be enabled: " + CuptiStatusText(result);
    return;
  }
  running_ = true;
}

std::vector<KernelSpan> CuptiKernelTimer::Stop() {
  if (!running_) return {};
  running_ = false;
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  cuptiActivityDisable(CUPTI_ACTIVITY_KIND_KERNEL);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::vector<KernelSpan> spans;
  spans.swap(g_spans);
  std::sort(spans.begin(), spans.end(),
            [](const KernelSpan& a, const KernelSpan& b) { return a.start_ns < b.start_ns; });
  return spans;
}

}  // namespace kopt
