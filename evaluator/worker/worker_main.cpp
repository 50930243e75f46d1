// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker/worker_main.h"

#include "evaluator/nvrtc_compiler.h"
#include "evaluator/protocol.h"
#include "evaluator/worker/gpu_worker.h"

#include <chrono>
#include <unistd.h>

namespace kopt {

int RunWorker(int device_index) {
  // Frames go to the original stdout; anything a library prints goes to stderr instead, so it
  // can never corrupt the protocol.
  const int in = 0;
  const int out = ::dup(1);
  ::dup2(2, 1);
  auto send = [&](const nlohmann::json& message) { return WriteFrame(out, message.dump()); };

  std::unique_ptr<GpuWorker> worker;
  try {
    worker = std::make_unique<GpuWorker>(device_index, DefaultCacheDir());
  } catch (const std::exception& e) {
    send({{"type", "ready"}, {"error", e.what()}});
    return 1;
  }
  DeviceInfo device = worker->device();
  device.peaks = worker->peaks();
  send({{"type", "ready"}, {"device", ToJson(device)}});

  const auto forever = std::chrono::steady_clock::time_point::max();
  for (;;) {
    std::string frame;
    if (ReadFrame(in, &frame, forever) != ReadStatus::kOk) return 0;
    nlohmann::json job = nlohmann::json::parse(frame, nullptr, false);
    std::string type = job.is_object() ? job.value("type", "") : "";
    if (type == "ping") {
      send({{"type", "pong"}});
      continue;
    }
    if (type == "reference_run") {
      ReferenceRunReply reply;
      std::string tensor_dir;
      try {
        ReferenceRunJob run = ReferenceRunJobFromJson(job);
        tensor_dir = run.tensor_dir;
        reply = worker->RunReference(run, [&](const std::string& stage) {
          send({{"type", "progress"}, {"stage", stage}});
        });
      } catch (const std::exception& e) {
        reply.error = std::string("malformed job: ") + e.what();
      }
      nlohmann::json message = {{"type", "result"}, {"restart", reply.restart}};
      if (reply.error.empty()) {
        try {
          message["tensors"] = ToJson(reply.tensors, tensor_dir);
        } catch (const std::exception& e) {
          message["error"] = e.what();
        }
      } else {
        message["error"] = reply.error;
      }
      if (!send(message)) return 0;
      if (reply.restart) return 3;
      continue;
    }
    if (type != "eval") {
      send({{"type", "result"}, {"error", "unknown job type '" + type + "'"}});
      continue;
    }
    WorkerReply reply;
    try {
      EvalJob eval = EvalJobFromJson(job);
      reply = worker->Evaluate(eval, [&](const std::string& stage) {
        send({{"type", "progress"}, {"stage", stage}});
      });
    } catch (const std::exception& e) {
      reply.error = std::string("malformed job: ") + e.what();
    }
    nlohmann::json message = {{"type", "result"}, {"restart", reply.restart}};
    if (reply.error.empty()) {
      message["result"] = ToJson(reply.result);
    } else {
      message["error"] = reply.error;
    }
    if (!send(message)) return 0;
    if (reply.restart) return 3;
  }
}

}  // namespace kopt
