// SPDX-License-Identifier: Apache-2.0
// The one process spawner, with real programs: pipes, environment, exec failures, the process
// group, the thread that started a child, and the signals a child starts with.
#include "core/child_process.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace kopt {
namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t got;
  while ((got = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(got));
  return out;
}

// A process that is gone: no /proc entry, or a zombie nobody reaps (PID 1 of a container).
bool Gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

bool GoneWithin(pid_t pid, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Gone(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Gone(pid);
}

TEST(ChildProcessTest, StdinGoesInAndStdoutComesOut) {
  ChildOptions options;
  options.argv = {"/bin/cat"};
  ChildProcess child(options);
  ASSERT_EQ(::write(child.in(), "hello", 5), 5);
  child.CloseIn();
  EXPECT_EQ(ReadAll(child.out()), "hello");
  int status = child.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(DescribeWaitStatus(status), "exited with code 0");
}

TEST(ChildProcessTest, TheEnvironmentIsExactlyTheOneGiven) {
  ChildOptions options;
  options.argv = {"/usr/bin/env"};
  options.env = std::vector<std::string>{"KOPT_CHILD_TEST=1"};
  ChildProcess child(options);
  EXPECT_EQ(ReadAll(child.out()), "KOPT_CHILD_TEST=1\n");
  child.Wait();
}

TEST(ChildProcessTest, StderrGoesToThePipeOrTheCallersDescriptor) {
  ChildOptions options;
  options.argv = {"/bin/sh", "-c", "echo to-stderr >&2"};
  ChildProcess piped(options);
  EXPECT_EQ(ReadAll(piped.err()), "to-stderr\n");
  piped.Wait();

  char path[] = "/tmp/kopt-child-test-XXXXXX";
  int file = ::mkstemp(path);
  ASSERT_GE(file, 0);
  ::unlink(path);
  options.stderr_fd = file;
  ChildProcess to_file(options);
  EXPECT_EQ(to_file.err(), -1);
  to_file.Wait();
  std::string written(64, '\0');
  ssize_t n = ::pread(file, written.data(), written.size(), 0);
  written.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  EXPECT_EQ(written, "to-stderr\n");
  ::close(file);
}

TEST(ChildProcessTest, AProgramThatCannotRunThrowsWithItsPathAndTheReason) {
  ChildOptions options;
  options.argv = {"/nonexistent/kopt-program"};
  try {
    ChildProcess child(options);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot run /nonexistent/kopt-program: No such file or directory");
  }
}

TEST(ChildProcessTest, KillEndsTheWholeGroupOfAChildThatLeadsOne) {
  ChildOptions options;
  options.argv = {"/bin/sh", "-c", "sleep 30 & echo $!; wait"};
  options.own_process_group = true;
  ChildProcess child(options);
  std::string line;
  char c;
  while (::read(child.out(), &c, 1) == 1 && c != '\n') line += c;
  pid_t grandchild = std::atoi(line.c_str());
  ASSERT_GT(grandchild, 0) << line;
  EXPECT_EQ(::getpgid(grandchild), child.pid());
  EXPECT_FALSE(child.TryWait());
  int status = child.Kill();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(DescribeWaitStatus(status), "killed by signal 9 (Killed)");
  EXPECT_TRUE(GoneWithin(grandchild, 5)) << "the command's own child outlived the kill";
}

TEST(ChildProcessTest, WithoutItsOwnGroupAChildSharesKoptsGroup) {
  ChildOptions options;
  options.argv = {"/bin/sleep", "30"};
  ChildProcess child(options);
  EXPECT_EQ(::getpgid(child.pid()), ::getpgrp());
}

TEST(ChildProcessTest, AChildThatDiesWithItsThreadEndsWhenThatThreadExits) {
  std::unique_ptr<ChildProcess> child;
  std::thread starter([&] {
    ChildOptions options;
    options.argv = {"/bin/sleep", "30"};
    options.dies_with_thread = true;
    child = std::make_unique<ChildProcess>(options);
  });
  starter.join();
  auto start = std::chrono::steady_clock::now();
  int status = child->Wait();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << DescribeWaitStatus(status);
  EXPECT_LT(s, 10);
}

TEST(ChildProcessTest, DestructionKillsAndReapsAChildStillRunning) {
  pid_t pid = 0;
  {
    ChildOptions options;
    options.argv = {"/bin/sleep", "30"};
    ChildProcess child(options);
    pid = child.pid();
  }
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: no child of ours
  EXPECT_TRUE(Gone(pid));
}

// SigIgn of the child's /proc status, as hex: bit 13 (0x1000) is SIGPIPE.
unsigned long IgnoredSignals(bool default_signals) {
  ChildOptions options;
  options.argv = {"/bin/sh", "-c", "grep SigIgn /proc/$$/status"};
  options.default_signals = default_signals;
  ChildProcess child(options);
  std::string line = ReadAll(child.out());
  child.Wait();
  return std::strtoul(line.substr(line.find(':') + 1).c_str(), nullptr, 16);
}

TEST(ChildProcessTest, DefaultSignalsGiveTheChildSigpipeBack) {
  ChildOptions options;
  options.argv = {"/bin/true"};
  { ChildProcess child(options); }  // kopt ignores SIGPIPE from the first child on
  const unsigned long sigpipe = 1UL << (SIGPIPE - 1);
  EXPECT_NE(IgnoredSignals(false) & sigpipe, 0U);
  EXPECT_EQ(IgnoredSignals(true) & sigpipe, 0U);
}

}  // namespace
}  // namespace kopt
