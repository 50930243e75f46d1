// SPDX-License-Identifier: Apache-2.0
// Starts a program as a child process with pipes to its standard streams, and ends it: kopt's
// one fork/exec/kill, under the GPU workers, the compile servers, the PyTorch runner,
// compute-sanitizer and LLM commands. The parent's ends of the pipes are close-on-exec, so no
// other child inherits them.
//
// Call order: construct (the program is running once it returns), talk through in(), out() and
// err(), then TryWait, Wait or Kill; destruction kills and reaps a child still running.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kopt {

/// A child's standard stream as ChildOptions names it: a pipe to this process, or this
/// process's own stream; any other value is a descriptor of the caller's (a file).
inline constexpr int kChildPipe = -1;
inline constexpr int kChildInherit = -2;

struct ChildOptions {
  /// argv[0] is the program's path, exec'd as it is (no PATH search).
  std::vector<std::string> argv;
  /// The child's whole environment ("NAME=value"); none: this process's own.
  std::optional<std::vector<std::string>> env;
  int stdin_fd = kChildPipe;
  int stdout_fd = kChildPipe;
  int stderr_fd = kChildPipe;
  /// The child leads a process group of its own, and Kill() kills the group: whatever the
  /// program started goes too. Such a child no longer gets the terminal's Ctrl-C with kopt.
  bool own_process_group = false;
  /// PR_SET_PDEATHSIG: the child is killed when kopt dies, even by SIGKILL. Linux ties it to
  /// the thread that forked, not the process: the child is also killed when that thread exits,
  /// so the starting thread must outlive it.
  bool dies_with_thread = false;
  /// SIGPIPE at its default action and no signal blocked, as a shell command expects (kopt
  /// ignores SIGPIPE, and exec keeps an ignored signal ignored and the starting thread's mask).
  bool default_signals = false;
};

class ChildProcess {
 public:
  /// Starts the program. Throws Error naming what failed: the pipes, the fork, or the exec
  /// (with the program's path and errno's words). Ignores SIGPIPE in this process, so a child
  /// that exits while kopt writes to it cannot take kopt down.
  explicit ChildProcess(const ChildOptions& options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// This process's ends of the pipes; -1 for a stream that is no pipe, or once closed.
  int in() const { return in_; }
  int out() const { return out_; }
  int err() const { return err_; }
  /// Closes this process's end of a pipe (closing in() gives the child end of file).
  void CloseIn();
  void CloseOut();
  void CloseErr();

  /// The wait status (as waitpid gives it) once the child has exited, which reaps it; none while
  /// it runs. Never blocks.
  std::optional<int> TryWait();
  /// Waits for the child to exit and returns its wait status.
  int Wait();
  /// Whether the child has exited, without reaping it: its pid, and the process group it leads,
  /// stay reserved, so Kill() can still reach what it left running.
  bool HasExited();
  /// SIGKILL to the child (to its process group with `own_process_group`), then reaps it and
  /// returns its wait status. A child already reaped is left alone. On a child that has exited
  /// but is not reaped, it kills what the child left running in its group and returns the
  /// child's own exit status.
  int Kill();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  bool own_group_ = false;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
};

/// A wait status in words: "exited with code 3", "killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int status);

}  // namespace kopt
