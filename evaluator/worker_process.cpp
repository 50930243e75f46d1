// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker_process.h"

#include "core/child_process.h"
#include "core/error.h"
#include "evaluator/protocol.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kStderrTailBytes = 4000;

Clock::time_point DeadlineIn(double seconds) {
  return Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

WorkerProcess::WorkerProcess(std::vector<std::string> argv, WorkerOptions options)
    : argv_(std::move(argv)), options_(std::move(options)) {}

WorkerProcess::~WorkerProcess() { Stop(); }

void WorkerProcess::Spawn() {
  if (child_) return;
  char err_path[] = "/tmp/kopt-worker-stderr-XXXXXX";
  int err_fd = ::mkostemp(err_path, O_CLOEXEC | O_APPEND);
  if (err_fd < 0)
    throw Error(std::string("cannot create the worker's log: ") + std::strerror(errno));
  ::unlink(err_path);
  ChildOptions child;
  child.argv = argv_;
  child.env = options_.env;
  child.stderr_fd = err_fd;
  child.dies_with_thread = true;
  child.own_process_group = options_.own_process_group;
  try {
    child_ = std::make_unique<ChildProcess>(child);
  } catch (const Error& e) {
    ::close(err_fd);
    throw Error("cannot start the " + options_.name + ": " + e.what());
  }
  stderr_ = err_fd;
  stderr_mark_ = 0;
  greeted_ = false;
  ++starts_;
}

void WorkerProcess::AwaitGreeting() {
  std::string frame;
  ReadStatus status = ReadFrame(child_->out(), &frame, DeadlineIn(options_.start_timeout_s));
  if (status != ReadStatus::kOk) {
    std::string why = status == ReadStatus::kTimeout ? "did not start within the deadline"
                                                     : "stopped during start-up";
    std::string tail = StderrTail();
    std::string how = Reap(true);
    throw Error("the " + options_.name + " " + why + " (" + how + ")" +
                (tail.empty() ? "" : ": " + tail));
  }
  ready_ = nlohmann::json::parse(frame, nullptr, false);
  if (ready_.is_discarded() || ready_.value("type", "") != "ready") {
    Reap(true);
    throw Error("the " + options_.name + " sent a bad greeting");
  }
  if (ready_.contains("error")) {
    std::string error = ready_["error"].get<std::string>();
    Reap(true);
    throw Error(error);
  }
  greeted_ = true;
}

const nlohmann::json& WorkerProcess::EnsureStarted() {
  Spawn();
  if (!greeted_) AwaitGreeting();
  return ready_;
}

std::string WorkerProcess::StderrTail() const {
  if (stderr_ < 0) return "";
  struct stat st {};
  if (::fstat(stderr_, &st) != 0) return "";
  off_t from = std::max<off_t>(stderr_mark_, st.st_size - static_cast<off_t>(kStderrTailBytes));
  std::string tail(static_cast<std::size_t>(st.st_size - from), '\0');
  ssize_t n = ::pread(stderr_, tail.data(), tail.size(), from);
  tail.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

std::string WorkerProcess::Reap(bool kill_first) {
  std::string how = "not running";
  if (child_) {
    how = DescribeWaitStatus(kill_first ? child_->Kill() : child_->Wait());
    child_.reset();
  }
  CloseFd(stderr_);
  return how;
}

void WorkerProcess::Stop() {
  if (child_) Reap(true);
}

void WorkerProcess::Finish(double timeout_s) {
  if (!child_) return;
  child_->CloseIn();
  auto deadline = DeadlineIn(timeout_s);
  while (Clock::now() < deadline) {
    if (child_->TryWait()) {
      Reap(false);
      return;
    }
    ::usleep(20000);
  }
  Reap(true);
}

JobOutcome WorkerProcess::Run(const nlohmann::json& job, double timeout_s) {
  auto start = Clock::now();
  JobOutcome outcome;
  auto finish = [&](JobOutcome::Kind kind, std::string detail) {
    outcome.kind = kind;
    outcome.detail = std::move(detail);
    outcome.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return outcome;
  };
  EnsureStarted();
  auto deadline = DeadlineIn(timeout_s);
  struct stat st {};
  stderr_mark_ = ::fstat(stderr_, &st) == 0 ? st.st_size : 0;
  if (!WriteFrame(child_->in(),
                  job.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))) {
    std::string tail = StderrTail();
    std::string how = Reap(true);
    return finish(JobOutcome::Kind::kCrashed, "the worker " + how + " before taking the job" +
                                                  (tail.empty() ? "" : ": " + tail));
  }
  for (;;) {
    std::string frame;
    ReadStatus status = ReadFrame(child_->out(), &frame, deadline);
    if (status == ReadStatus::kTimeout) {
      Reap(true);
      return finish(JobOutcome::Kind::kTimeout,
                    "no result within " + std::to_string(static_cast<int>(timeout_s)) +
                        " s; the worker was killed" +
                        (outcome.last_progress.empty() ? "" : " during: " + outcome.last_progress));
    }
    if (status != ReadStatus::kOk) {
      std::string tail = StderrTail();
      // The worker closed its end: wait for it to go so that the status is known.
      std::string how = Reap(false);
      std::string where = outcome.last_progress.empty() ? "" : " during: " + outcome.last_progress;
      return finish(
          JobOutcome::Kind::kCrashed,
          "the worker " + how + where + (tail.empty() ? "" : "; its last words: " + tail));
    }
    nlohmann::json message = nlohmann::json::parse(frame, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
      Reap(true);
      return finish(JobOutcome::Kind::kCrashed, "the worker sent a malformed frame");
    }
    if (message.value("type", "") == "progress") {
      outcome.last_progress = message.value("stage", "");
      continue;
    }
    outcome.reply = std::move(message);
    if (outcome.reply.value("restart", false)) Reap(true);
    return finish(JobOutcome::Kind::kReply, "");
  }
}

}  // namespace kopt
