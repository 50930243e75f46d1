// SPDX-License-Identifier: Apache-2.0
// Starts tests/support/fake_llm_server as a child process on a free loopback port and stops it
// when destroyed. For tests and benchmarks.
#pragma once

#include "core/child_process.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kopt::testing {

class FakeLlmServer {
 public:
  /// `binary` is the server executable; `args` are extra flags (--script, --request-log, ...).
  explicit FakeLlmServer(const std::string& binary, std::vector<std::string> args = {}) {
    char dir_template[] = "/tmp/kopt-fake-llm-XXXXXX";
    if (!::mkdtemp(dir_template)) throw std::runtime_error("cannot make a temporary folder");
    dir_ = dir_template;
    std::string port_file = dir_ + "/port";
    ChildOptions options;
    options.argv = {binary, "--port-file", port_file};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.stdin_fd = options.stdout_fd = options.stderr_fd = kChildInherit;
    options.dies_with_thread = true;
    child_ = std::make_unique<ChildProcess>(options);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) return;
      if (child_->TryWait()) {
        child_.reset();
        throw std::runtime_error("the fake LLM server exited at start (" + binary + ")");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Stop();
    throw std::runtime_error("the fake LLM server did not report its port");
  }
  ~FakeLlmServer() { Stop(); }
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return child_ ? child_->pid() : -1; }
  /// Base URL for openai:MODEL@URL.
  std::string openai_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  /// Base URL for anthropic:MODEL@URL.
  std::string anthropic_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// A scratch folder that lives as long as the server.
  const std::string& dir() const { return dir_; }

  void Stop() { child_.reset(); }  // kills and reaps it

 private:
  std::string dir_;
  std::unique_ptr<ChildProcess> child_;
  int port_ = 0;
};

}  // namespace kopt::testing
