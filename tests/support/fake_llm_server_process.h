// SPDX-License-Identifier: Apache-2.0
// Starts tests/support/fake_llm_server as a child process on a free loopback port and stops it
// when destroyed. For tests and benchmarks.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
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
    std::vector<std::string> argv = {binary, "--port-file", port_file};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("cannot fork the fake LLM server");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
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
  pid_t pid() const { return pid_; }
  /// Base URL for openai:MODEL@URL.
  std::string openai_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  /// Base URL for anthropic:MODEL@URL.
  std::string anthropic_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// A scratch folder that lives as long as the server.
  const std::string& dir() const { return dir_; }

  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace kopt::testing
