// SPDX-License-Identifier: Apache-2.0
// A stand-in GPU worker for supervision tests: speaks the worker protocol and misbehaves on
// request. Job {"type":"eval","mode":M}: "echo" answers, "hang" never answers, "crash" aborts,
// "exit_mid" writes half a frame and exits, "progress_hang" reports a stage then hangs,
// "restart" answers asking to be replaced, "garbage" sends a malformed frame.
#include "evaluator/protocol.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unistd.h>

int main(int argc, char** argv) {
  using namespace kopt;
  if (argc > 1 && std::string(argv[1]) == "--fail-start") {
    WriteFrame(1, nlohmann::json{{"type", "ready"}, {"error", "no CUDA driver (fake)"}}.dump());
    return 1;
  }
  WriteFrame(1, nlohmann::json{{"type", "ready"}, {"pid", ::getpid()}}.dump());
  for (;;) {
    std::string frame;
    if (ReadFrame(0, &frame, std::chrono::steady_clock::time_point::max()) != ReadStatus::kOk)
      return 0;
    auto job = nlohmann::json::parse(frame);
    std::string mode = job.value("mode", "echo");
    if (mode == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    if (mode == "crash") {
      std::fprintf(stderr, "fake worker: about to abort\n");
      std::abort();
    }
    if (mode == "exit_mid") {
      const char partial[] = {100, 0, 0, 0, '{', '"'};
      (void)!::write(1, partial, sizeof partial);
      std::_Exit(7);
    }
    if (mode == "progress_hang") {
      WriteFrame(1, nlohmann::json{{"type", "progress"}, {"stage", "timing the candidate"}}.dump());
      std::this_thread::sleep_for(std::chrono::hours(1));
    }
    if (mode == "garbage") {
      WriteFrame(1, "not json");
      continue;
    }
    nlohmann::json reply = {{"type", "result"}, {"pid", ::getpid()}, {"echo", job}};
    if (mode == "restart") reply["restart"] = true;
    WriteFrame(1, reply.dump());
  }
}
