// SPDX-License-Identifier: Apache-2.0
#include "evaluator/worker_process.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace kopt {
namespace {

nlohmann::json Job(const std::string& mode) { return {{"type", "eval"}, {"mode", mode}}; }

TEST(WorkerProcessTest, AnswersJobsAndKeepsOneProcess) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  JobOutcome a = worker.Run(Job("echo"), 5);
  JobOutcome b = worker.Run(Job("echo"), 5);
  ASSERT_EQ(a.kind, JobOutcome::Kind::kReply);
  ASSERT_EQ(b.kind, JobOutcome::Kind::kReply);
  EXPECT_EQ(a.reply["pid"], b.reply["pid"]);
  EXPECT_EQ(a.reply["echo"]["mode"], "echo");
  EXPECT_EQ(worker.starts(), 1);
}

TEST(WorkerProcessTest, HungJobTimesOutAndTheWorkerIsReplaced) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  auto first = worker.Run(Job("echo"), 5).reply["pid"];
  auto start = std::chrono::steady_clock::now();
  JobOutcome hung = worker.Run(Job("hang"), 0.5);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(hung.kind, JobOutcome::Kind::kTimeout);
  EXPECT_LT(waited, 2.0);
  EXPECT_FALSE(worker.running());
  JobOutcome next = worker.Run(Job("echo"), 5);
  ASSERT_EQ(next.kind, JobOutcome::Kind::kReply);
  EXPECT_NE(next.reply["pid"], first);
  EXPECT_EQ(worker.starts(), 2);
}

// Whether process `pid` has ended (gone, or a zombie nobody reaped yet) within `seconds`.
bool EndsWithin(int pid, double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  do {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::size_t paren = text.rfind(')');
    if (!stat || paren == std::string::npos || text.substr(paren + 2, 1) == "Z") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

// A worker started through a wrapper, as compute-sanitizer starts one: in a process group of
// its own, a timeout ends the worker under the wrapper too; without one, the worker outlives it.
TEST(WorkerProcessTest, AWrappedWorkerEndsWithItsWrapperWhenItLeadsAGroup) {
  for (bool own_group : {true, false}) {
    WorkerOptions options;
    options.own_process_group = own_group;
    WorkerProcess worker({"/bin/bash", "-c", "\"$0\" <&0 & wait", KOPT_FAKE_WORKER}, options);
    JobOutcome echo = worker.Run(Job("echo"), 5);
    ASSERT_EQ(echo.kind, JobOutcome::Kind::kReply) << echo.detail;
    int pid = echo.reply["pid"].get<int>();
    EXPECT_EQ(worker.Run(Job("hang"), 0.5).kind, JobOutcome::Kind::kTimeout);
    bool ended = EndsWithin(pid, 2.0);
    EXPECT_EQ(ended, own_group) << (own_group ? "the worker outlived its wrapper's group"
                                              : "the test no longer shows the problem");
    if (!ended) ::kill(pid, SIGKILL);
  }
}

TEST(WorkerProcessTest, CrashIsReportedWithSignalAndStderr) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  JobOutcome crash = worker.Run(Job("crash"), 5);
  EXPECT_EQ(crash.kind, JobOutcome::Kind::kCrashed);
  EXPECT_NE(crash.detail.find("signal 6"), std::string::npos) << crash.detail;
  EXPECT_NE(crash.detail.find("about to abort"), std::string::npos) << crash.detail;
  EXPECT_EQ(worker.Run(Job("echo"), 5).kind, JobOutcome::Kind::kReply);
}

TEST(WorkerProcessTest, ExitMidFrameIsACrash) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  JobOutcome out = worker.Run(Job("exit_mid"), 5);
  EXPECT_EQ(out.kind, JobOutcome::Kind::kCrashed);
  EXPECT_NE(out.detail.find("exited with code 7"), std::string::npos) << out.detail;
  EXPECT_EQ(worker.Run(Job("echo"), 5).kind, JobOutcome::Kind::kReply);
}

TEST(WorkerProcessTest, TimeoutNamesTheLastStage) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  JobOutcome out = worker.Run(Job("progress_hang"), 0.5);
  EXPECT_EQ(out.kind, JobOutcome::Kind::kTimeout);
  EXPECT_EQ(out.last_progress, "timing the candidate");
  EXPECT_NE(out.detail.find("timing the candidate"), std::string::npos);
}

TEST(WorkerProcessTest, RestartRequestReplacesTheWorker) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  JobOutcome out = worker.Run(Job("restart"), 5);
  EXPECT_EQ(out.kind, JobOutcome::Kind::kReply);
  EXPECT_FALSE(worker.running());
  EXPECT_NE(worker.Run(Job("echo"), 5).reply["pid"], out.reply["pid"]);
}

TEST(WorkerProcessTest, MalformedFrameIsACrash) {
  WorkerProcess worker({KOPT_FAKE_WORKER});
  EXPECT_EQ(worker.Run(Job("garbage"), 5).kind, JobOutcome::Kind::kCrashed);
  EXPECT_EQ(worker.Run(Job("echo"), 5).kind, JobOutcome::Kind::kReply);
}

TEST(WorkerProcessTest, StartFailureThrowsWithTheWorkersReason) {
  WorkerProcess worker({KOPT_FAKE_WORKER, "--fail-start"});
  try {
    worker.EnsureStarted();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA driver"), std::string::npos);
  }
}

TEST(WorkerProcessTest, MissingBinaryFailsToStart) {
  WorkerOptions options;
  options.start_timeout_s = 2;
  WorkerProcess worker({"/nonexistent/kopt-worker"}, options);
  EXPECT_THROW(worker.EnsureStarted(), Error);
}

TEST(WorkerProcessTest, AProgramThatCannotRunIsNamedWithTheReason) {
  WorkerProcess worker({"/nonexistent/kopt-worker"});
  try {
    worker.EnsureStarted();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot start the GPU worker: cannot run /nonexistent/kopt-worker: No such file or "
              "directory");
  }
  EXPECT_FALSE(worker.running());
}

}  // namespace
}  // namespace kopt
