// SPDX-License-Identifier: Apache-2.0
// Evaluations spread over the GPUs of one host, each GPU behind an Evaluator of its own (a
// CudaEvaluator per device, which runs one job at a time on its card). A task keeps the GPU its
// first evaluation ran on, so a kernel and the kernels made from it are timed on the same card
// (card-to-card spread can exceed the noise band); a new task goes to the healthy GPU with the
// fewest tasks. A GPU whose evaluator fails (an error of kopt's, not a candidate's failure,
// which is a result) `unhealthy_after` times in a row is marked unhealthy: its tasks move to
// another GPU and are measured afresh there, and the others never wait for it.
#pragma once

#include "core/evaluator.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kopt {

class GpuPool : public Evaluator {
 public:
  struct Gpu {
    int index = 0;  // the device, as `--gpus` names it
    std::unique_ptr<Evaluator> evaluator;
  };

  explicit GpuPool(std::vector<Gpu> gpus, int unhealthy_after = 3);

  /// On the task's GPU; an error there is rethrown after it counts against that GPU. Throws
  /// kopt::Error when every GPU is unhealthy.
  EvalResult Evaluate(const EvalRequest& request) override;

  /// The device the task's evaluations run on, assigning one if it has none.
  int GpuOf(const std::string& task_hash);
  /// The devices marked unhealthy, in order.
  std::vector<int> Unhealthy() const;

 private:
  struct Slot {
    int index = 0;
    std::unique_ptr<Evaluator> evaluator;
    int tasks = 0;
    int consecutive_errors = 0;
    bool healthy = true;
    std::string last_error;
  };

  std::size_t SlotOf(const std::string& task_hash);  // with mutex_ held

  std::vector<Slot> slots_;
  int unhealthy_after_;
  std::map<std::string, std::size_t> affinity_;  // task hash -> slot
  mutable std::mutex mutex_;
};

}  // namespace kopt
