// SPDX-License-Identifier: Apache-2.0
#include "evaluator/gpu_pool.h"

#include "core/error.h"

namespace kopt {

GpuPool::GpuPool(std::vector<Gpu> gpus, int unhealthy_after) : unhealthy_after_(unhealthy_after) {
  if (gpus.empty()) throw ConfigError("no GPU to evaluate on");
  for (Gpu& g : gpus) {
    Slot slot;
    slot.index = g.index;
    slot.evaluator = std::move(g.evaluator);
    slots_.push_back(std::move(slot));
  }
}

std::size_t GpuPool::SlotOf(const std::string& task_hash) {
  if (auto it = affinity_.find(task_hash); it != affinity_.end() && slots_[it->second].healthy) {
    return it->second;
  }
  std::size_t best = slots_.size();
  for (std::size_t s = 0; s < slots_.size(); ++s) {
    if (slots_[s].healthy && (best == slots_.size() || slots_[s].tasks < slots_[best].tasks)) {
      best = s;
    }
  }
  if (best == slots_.size()) {
    std::string why;
    for (const Slot& s : slots_) {
      why += (why.empty() ? "" : "; ") + std::string("GPU ") + std::to_string(s.index) + ": " +
             s.last_error;
    }
    throw Error("every GPU is marked unhealthy (" + why + ")");
  }
  affinity_[task_hash] = best;
  ++slots_[best].tasks;
  return best;
}

int GpuPool::GpuOf(const std::string& task_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_[SlotOf(task_hash)].index;
}

std::vector<int> GpuPool::Unhealthy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int> out;
  for (const Slot& s : slots_) {
    if (!s.healthy) out.push_back(s.index);
  }
  return out;
}

EvalResult GpuPool::Evaluate(const EvalRequest& request) {
  std::size_t slot = 0;
  Evaluator* evaluator = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    slot = SlotOf(request.task->content_hash);
    evaluator = slots_[slot].evaluator.get();
  }
  // Outside the lock: each GPU's evaluator serializes its own jobs, and the others run on.
  try {
    EvalResult result = evaluator->Evaluate(request);
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[slot].consecutive_errors = 0;
    return result;
  } catch (const Error& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_[slot];
    s.last_error = e.what();
    if (++s.consecutive_errors >= unhealthy_after_ && s.healthy) {
      s.healthy = false;
      // Its tasks go elsewhere at their next evaluation, measured afresh on that card.
      for (auto it = affinity_.begin(); it != affinity_.end();) {
        it = it->second == slot ? affinity_.erase(it) : std::next(it);
      }
      s.tasks = 0;
    }
    throw;
  }
}

}  // namespace kopt
