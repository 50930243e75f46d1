// SPDX-License-Identifier: Apache-2.0
// Runs the kopt binary under test (KOPT_BINARY), or another program, through the shell and captures
// what it prints, for the tests of commands end to end.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace kopt::testing {

struct Output {
  int code = -1;     // the exit code, -1 when killed by a signal
  std::string text;  // stdout, and stderr unless it was sent elsewhere
};

/// `binary ARGS` with `stderr` as the shell's redirection of it ("2>&1" merges it into `text`).
/// `env` (optional) is prefixed, e.g. "OPENAI_API_KEY=x".
inline Output RunProgram(const std::string& binary, const std::string& args,
                         const std::string& stderr_to = "2>&1", const std::string& env = "") {
  std::string command = env + " " + binary + " " + args + " " + stderr_to;
  Output out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out.text += buffer.data();
  int status = ::pclose(pipe);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

/// `kopt ARGS`, as RunProgram.
inline Output RunKopt(const std::string& args, const std::string& stderr_to = "2>&1",
                      const std::string& env = "") {
  return RunProgram(KOPT_BINARY, args, stderr_to, env);
}

}  // namespace kopt::testing
