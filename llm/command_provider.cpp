// SPDX-License-Identifier: Apache-2.0
#include "llm/command_provider.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kStderrKeepBytes = 64 * 1024;
constexpr std::size_t kStderrTailBytes = 2000;

struct RunResult {
  std::string out;
  std::string err;
  int status = 0;  // from waitpid
  bool timed_out = false;
  bool too_large = false;
  std::string spawn_error;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string Tail(const std::string& s) {
  std::string tail = s.size() > kStderrTailBytes ? s.substr(s.size() - kStderrTailBytes) : s;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Runs `command` with `input` on stdin; collects stdout (up to max_out bytes) and stderr.
RunResult Run(const std::string& command, const std::string& input,
              const std::vector<std::string>& extra_env, double timeout_s, std::size_t max_out) {
  RunResult r;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    r.spawn_error = std::string("cannot create pipes: ") + std::strerror(errno);
    for (int* fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1]}) CloseFd(*fd);
    return r;
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("KOPT_LLM_", 0) != 0) env_strings.push_back(std::move(entry));
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // kopt ignores SIGPIPE; the command gets the usual default
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // whatever the calling thread blocks
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  CloseFd(in[0]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  if (rc != 0) {
    r.spawn_error = std::string("cannot start /bin/sh: ") + std::strerror(rc);
    CloseFd(in[1]);
    CloseFd(out[0]);
    CloseFd(err[0]);
    return r;
  }
  for (int fd : {in[1], out[0], err[0]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

  auto deadline =
      Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(timeout_s * 1e6));
  std::size_t written = 0;
  if (input.empty()) CloseFd(in[1]);
  char buf[65536];
  while ((out[0] >= 0 || err[0] >= 0) && !r.timed_out && !r.too_large) {
    std::vector<pollfd> fds;
    if (in[1] >= 0) fds.push_back({in[1], POLLOUT, 0});
    if (out[0] >= 0) fds.push_back({out[0], POLLIN, 0});
    if (err[0] >= 0) fds.push_back({err[0], POLLIN, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    int n = ::poll(fds.data(), fds.size(),
                   static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in[1]) {
        ssize_t w = ::write(in[1], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          CloseFd(in[1]);  // done, or the command stopped reading (EPIPE): fine either way
        }
        continue;
      }
      int& fd = p.fd == out[0] ? out[0] : err[0];
      std::string& sink = p.fd == out[0] ? r.out : r.err;
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        sink.append(buf, static_cast<std::size_t>(got));
        if (&sink == &r.out && r.out.size() > max_out) r.too_large = true;
        if (&sink == &r.err && r.err.size() > kStderrKeepBytes) {
          r.err.erase(0, r.err.size() - kStderrTailBytes);
        }
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        CloseFd(fd);
      }
    }
  }
  CloseFd(in[1]);
  CloseFd(out[0]);
  CloseFd(err[0]);
  // The pipes are closed; wait for the exit until the deadline, then kill the whole group.
  for (;;) {
    pid_t done = ::waitpid(pid, &r.status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (r.timed_out || r.too_large || Clock::now() >= deadline) {
      if (!r.too_large) r.timed_out = true;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    ::usleep(1000);
  }
  return r;
}

}  // namespace

std::string CommandPrompt(const CompletionRequest& request) {
  std::string prompt;
  auto add = [&](const LlmMessage& m) {
    if (!prompt.empty()) prompt += "\n\n";
    prompt += m.content;
  };
  for (const auto& m : request.messages) {
    if (m.role == "system") add(m);
  }
  for (const auto& m : request.messages) {
    if (m.role != "system") add(m);
  }
  return prompt;
}

CommandProvider::CommandProvider(std::string command, ProviderOptions options)
    : command_(std::move(command)), options_(std::move(options)), limit_(options_.max_concurrency) {
  // A command that exits without reading its stdin must not take kopt down with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
}

CompletionResult CommandProvider::Complete(const CompletionRequest& request) {
  auto start = Clock::now();
  std::vector<std::string> env = {
      "KOPT_LLM_PURPOSE=" + request.purpose,
      "KOPT_LLM_SAMPLE_INDEX=" + std::to_string(request.sample_index),
      "KOPT_LLM_MAX_TOKENS=" + std::to_string(request.max_tokens),
  };
  if (request.temperature)
    env.push_back("KOPT_LLM_TEMPERATURE=" + FormatDouble(*request.temperature));
  if (!request.reasoning_effort.empty()) {
    env.push_back("KOPT_LLM_REASONING_EFFORT=" + request.reasoning_effort);
  }
  RunResult r;
  {
    ConcurrencyLimit::Slot slot(limit_);
    r = Run(command_, CommandPrompt(WithoutSecrets(request)), env, options_.timeout_s,
            options_.max_response_bytes);
  }
  double latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  auto fail = [&](LlmErrorKind kind, const std::string& why) {
    LlmError e{kind, "command '" + command_ + "' " + why};
    std::string tail = Tail(r.err);
    if (!tail.empty()) e.message += "; its stderr ends: " + tail;
    e.attempts = 1;
    e.latency_ms = latency_ms;
    e.no_retry = true;
    return e;
  };
  if (!r.spawn_error.empty())
    return fail(LlmErrorKind::kCommand, "could not run: " + r.spawn_error);
  if (r.too_large) {
    return fail(LlmErrorKind::kBadResponse, "printed more than " +
                                                std::to_string(options_.max_response_bytes) +
                                                " bytes; it was killed");
  }
  if (r.timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f s", options_.timeout_s);
    return fail(LlmErrorKind::kTimeout,
                std::string("did not finish within ") + buf + "; it was killed");
  }
  if (WIFSIGNALED(r.status)) {
    return fail(LlmErrorKind::kCommand, "was killed by signal " +
                                            std::to_string(WTERMSIG(r.status)) + " (" +
                                            ::strsignal(WTERMSIG(r.status)) + ")");
  }
  if (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0) {
    return fail(LlmErrorKind::kCommand,
                "exited with code " + std::to_string(WEXITSTATUS(r.status)));
  }
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  if (r.out.empty()) return fail(LlmErrorKind::kCommand, "printed nothing on stdout");
  Completion c;
  c.text = std::move(r.out);
  c.finish_reason = "stop";
  c.latency_ms = latency_ms;
  return c;
}

}  // namespace kopt
