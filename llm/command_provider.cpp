// SPDX-License-Identifier: Apache-2.0
#include "llm/command_provider.h"

#include "core/child_process.h"
#include "core/error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kStderrKeepBytes = 64 * 1024;
constexpr std::size_t kStderrTailBytes = 2000;
// How long the pipes are read after the command exits, and the longest poll between checks.
constexpr auto kDrainAfterExit = std::chrono::milliseconds(200);
constexpr std::int64_t kPollMs = 50;

struct RunResult {
  std::string out;
  std::string err;
  int status = 0;  // from waitpid
  bool timed_out = false;
  bool too_large = false;
  std::string spawn_error;
};

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
  ChildOptions options;
  options.argv = {"/bin/sh", "-c", command};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("KOPT_LLM_", 0) != 0) env.push_back(std::move(entry));
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  options.env = std::move(env);
  options.own_process_group = true;  // a timeout kills what the command started too
  options.default_signals = true;
  std::optional<ChildProcess> child;
  try {
    child.emplace(options);
  } catch (const Error& e) {
    r.spawn_error = e.what();
    return r;
  }
  for (int fd : {child->in(), child->out(), child->err()}) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }

  auto deadline =
      Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(timeout_s * 1e6));
  std::size_t written = 0;
  if (input.empty()) child->CloseIn();
  char buf[65536];
  // Once the command has exited, what it wrote is read for a moment more: a process it left
  // running may hold the pipes open forever, and must not turn a finished answer into a timeout.
  std::optional<Clock::time_point> drain_until;
  while ((child->out() >= 0 || child->err() >= 0) && !r.timed_out && !r.too_large) {
    if (!drain_until && child->HasExited()) drain_until = Clock::now() + kDrainAfterExit;
    if (drain_until && Clock::now() >= *drain_until) break;
    std::vector<pollfd> fds;
    if (child->in() >= 0) fds.push_back({child->in(), POLLOUT, 0});
    if (child->out() >= 0) fds.push_back({child->out(), POLLIN, 0});
    if (child->err() >= 0) fds.push_back({child->err(), POLLIN, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    int n = ::poll(fds.data(), fds.size(),
                   static_cast<int>(std::min<std::int64_t>(left.count(), kPollMs)));
    if (n < 0 && errno != EINTR) break;
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == child->in()) {
        ssize_t w = ::write(p.fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          child->CloseIn();  // done, or the command stopped reading (EPIPE): fine either way
        }
        continue;
      }
      bool is_out = p.fd == child->out();
      std::string& sink = is_out ? r.out : r.err;
      ssize_t got = ::read(p.fd, buf, sizeof buf);
      if (got > 0) {
        sink.append(buf, static_cast<std::size_t>(got));
        if (is_out && r.out.size() > max_out) r.too_large = true;
        if (!is_out && r.err.size() > kStderrKeepBytes) {
          r.err.erase(0, r.err.size() - kStderrTailBytes);
        }
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (is_out) {
          child->CloseOut();
        } else {
          child->CloseErr();
        }
      }
    }
  }
  child->CloseIn();
  child->CloseOut();
  child->CloseErr();
  // The pipes are closed; wait for the exit until the deadline, then kill the whole group. The
  // group is killed after a normal exit too (before the command is reaped, so its group id is
  // still its own): whatever it started in the background goes with it.
  for (;;) {
    if (child->HasExited()) {
      r.status = child->Kill();
      break;
    }
    if (r.timed_out || r.too_large || Clock::now() >= deadline) {
      if (!r.too_large) r.timed_out = true;
      r.status = child->Kill();
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
    : command_(std::move(command)),
      options_(std::move(options)),
      limit_(options_.max_concurrency) {}

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
    return fail(LlmErrorKind::kCommand, "was " + DescribeWaitStatus(r.status));
  }
  if (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0) {
    return fail(LlmErrorKind::kCommand, DescribeWaitStatus(r.status));
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
