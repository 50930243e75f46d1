// SPDX-License-Identifier: Apache-2.0
// Supervises one GPU worker: a child process started by exec (never a bare fork after CUDA
// init) that owns a CUDA context and answers jobs over the framed protocol. A job that misses
// its deadline, a worker that dies mid-job, or a worker that reports a poisoned context is
// killed and replaced; the caller gets an outcome saying which.
//
// Call order: construct, Run (starts the worker on first use), Run, ...; destruction kills it.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kopt {

class ChildProcess;

struct JobOutcome {
  enum class Kind {
    kReply,    // the worker answered; `reply` holds its result frame
    kTimeout,  // the deadline passed; the worker was killed
    kCrashed,  // the worker died or broke the protocol before answering
  };
  Kind kind = Kind::kCrashed;
  nlohmann::json reply;
  std::string detail;         // for kTimeout/kCrashed: what happened, with the worker's stderr tail
  std::string last_progress;  // the last stage the worker announced for this job
  double wall_ms = 0;
};

struct WorkerOptions {
  std::string name = "GPU worker";  // how messages call it
  double start_timeout_s = 30;
  /// The child's whole environment ("NAME=value"); none: this process's own.
  std::optional<std::vector<std::string>> env;
  /// The worker leads a process group of its own and a kill ends the whole group: for a worker
  /// started through a wrapper (compute-sanitizer), whose own child would outlive it otherwise.
  bool own_process_group = false;
};

class WorkerProcess {
 public:
  /// `argv[0]` is the program to exec.
  explicit WorkerProcess(std::vector<std::string> argv, WorkerOptions options = {});
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// Sends `job` and waits up to `timeout_s` for the result. Progress frames
  /// ({"type":"progress","stage":...}) are recorded, not returned. A reply with
  /// "restart": true makes the worker be replaced before the next job.
  JobOutcome Run(const nlohmann::json& job, double timeout_s);

  /// Starts the worker if it is not running and returns its "ready" frame. Throws kopt::Error
  /// naming the reason when it cannot start (for example: no CUDA driver).
  const nlohmann::json& EnsureStarted();
  /// Starts the process without waiting for its greeting (EnsureStarted waits), so it loads
  /// while the caller does other work. The calling thread must outlive it: the child is
  /// killed when the thread that started it exits (PR_SET_PDEATHSIG). Throws kopt::Error when
  /// the program cannot be run (a missing binary, no pipes).
  void Spawn();
  bool running() const { return child_ != nullptr; }
  int starts() const { return starts_; }
  /// Kills the worker (if running) and reaps it.
  void Stop();
  /// Closes the worker's input, so it ends its loop and exits on its own (a tool wrapping it
  /// writes its summary then); kills it if it has not exited within `timeout_s`.
  void Finish(double timeout_s);

 private:
  void AwaitGreeting();
  std::string Reap(bool kill_first);  // returns "exited with code N" / "killed by signal N (...)"
  /// The last bytes the worker wrote to stderr since `stderr_mark_`.
  std::string StderrTail() const;

  std::vector<std::string> argv_;
  WorkerOptions options_;
  std::unique_ptr<ChildProcess> child_;  // its stdin and stdout carry the frames
  int stderr_ = -1;  // an unlinked temporary file: a chatty worker can never block on a pipe
  off_t stderr_mark_ = 0;
  nlohmann::json ready_;
  bool greeted_ = false;
  int starts_ = 0;
};

}  // namespace kopt
