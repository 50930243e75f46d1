// SPDX-License-Identifier: Apache-2.0
#include "core/child_process.h"

#include "core/error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kopt {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// One standard stream of the child: the descriptor the child gets, and this process's end.
struct Stream {
  int child = kChildInherit;
  int parent = -1;
};

// A pipe for `spec == kChildPipe` (`reading`: the child reads it), else the caller's choice.
Stream MakeStream(int spec, bool reading) {
  Stream s;
  if (spec != kChildPipe) {
    s.child = spec;
    return s;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(std::string("cannot create pipes: ") + std::strerror(errno));
  s.child = reading ? fds[0] : fds[1];
  s.parent = reading ? fds[1] : fds[0];
  return s;
}

void ClosePipes(Stream (&streams)[3], bool parent_ends) {
  for (Stream& s : streams) {
    if (s.parent < 0) continue;  // not a pipe: the descriptor is the caller's
    CloseFd(s.child);
    if (parent_ends) CloseFd(s.parent);
  }
}

}  // namespace

ChildProcess::ChildProcess(const ChildOptions& options) : own_group_(options.own_process_group) {
  ::signal(SIGPIPE, SIG_IGN);
  if (options.argv.empty()) throw Error("cannot run a child process without a program");
  Stream streams[3];
  try {
    streams[0] = MakeStream(options.stdin_fd, /*reading=*/true);
    streams[1] = MakeStream(options.stdout_fd, /*reading=*/false);
    streams[2] = MakeStream(options.stderr_fd, /*reading=*/false);
  } catch (const Error&) {
    ClosePipes(streams, /*parent_ends=*/true);
    throw;
  }
  // The child writes errno here when exec fails; a successful exec closes it (close-on-exec).
  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) {
    ClosePipes(streams, /*parent_ends=*/true);
    throw Error(std::string("cannot create pipes: ") + std::strerror(errno));
  }
  // Everything the child needs is built before the fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = options.env.value_or(std::vector<std::string>{});
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  char** envp = options.env ? env.data() : environ;
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    int error = errno;
    ClosePipes(streams, /*parent_ends=*/true);
    ::close(exec_error[0]);
    ::close(exec_error[1]);
    throw Error(std::string("cannot fork: ") + std::strerror(error));
  }
  if (pid == 0) {
    if (options.dies_with_thread) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    }
    if (options.own_process_group) ::setpgid(0, 0);
    if (options.default_signals) {
      struct sigaction action {};
      action.sa_handler = SIG_DFL;
      ::sigaction(SIGPIPE, &action, nullptr);
      sigset_t none;
      ::sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
    }
    for (int fd = 0; fd < 3; ++fd) {
      if (streams[fd].child != kChildInherit) ::dup2(streams[fd].child, fd);
    }
    ::execve(argv[0], argv.data(), envp);
    int error = errno;
    ssize_t written = ::write(exec_error[1], &error, sizeof error);
    (void)written;
    ::_exit(127);
  }
  pid_ = pid;
  ClosePipes(streams, /*parent_ends=*/false);
  ::close(exec_error[1]);
  int error = 0;
  ssize_t got;
  do {
    got = ::read(exec_error[0], &error, sizeof error);
  } while (got < 0 && errno == EINTR);
  ::close(exec_error[0]);
  in_ = streams[0].parent;
  out_ = streams[1].parent;
  err_ = streams[2].parent;
  if (got == static_cast<ssize_t>(sizeof error)) {
    Wait();
    CloseIn();
    CloseOut();
    CloseErr();
    throw Error("cannot run " + options.argv[0] + ": " + std::strerror(error));
  }
}

ChildProcess::~ChildProcess() {
  if (!reaped_) Kill();
  CloseIn();
  CloseOut();
  CloseErr();
}

void ChildProcess::CloseIn() { CloseFd(in_); }
void ChildProcess::CloseOut() { CloseFd(out_); }
void ChildProcess::CloseErr() { CloseFd(err_); }

std::optional<int> ChildProcess::TryWait() {
  if (reaped_) return status_;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    reaped_ = true;
    status_ = status;
    return status_;
  }
  if (done < 0 && errno != EINTR) {
    reaped_ = true;  // not this process's child any more (someone else reaped it)
    return status_;
  }
  return std::nullopt;
}

bool ChildProcess::HasExited() {
  if (reaped_) return true;
  siginfo_t info{};
  int r = 0;
  do {
    r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (r < 0 && errno == EINTR);
  return r < 0 || info.si_pid == pid_;  // r < 0: not this process's child any more
}

int ChildProcess::Wait() {
  if (reaped_) return status_;
  int status = 0;
  pid_t done;
  do {
    done = ::waitpid(pid_, &status, 0);
  } while (done < 0 && errno == EINTR);
  reaped_ = true;
  if (done == pid_) status_ = status;
  return status_;
}

int ChildProcess::Kill() {
  if (reaped_) return status_;
  // Until it is reaped, the child's pid (and the group it leads) cannot be reused.
  ::kill(own_group_ ? -pid_ : pid_, SIGKILL);
  return Wait();
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace kopt
