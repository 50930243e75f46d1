// SPDX-License-Identifier: Apache-2.0
// kopt's exception types. Environment and configuration failures throw; candidate failures never
// do (they are EvalResult statuses). cli/main.cpp maps these to exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace kopt {

/// Base of every error kopt throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad user input: a task file, a launch block, a flag. The message names the file and field.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// A CUDA driver, NVRTC or CUPTI call failed for a reason that is not the candidate's fault.
class CudaError : public Error {
 public:
  using Error::Error;
};

/// No NVIDIA driver could be loaded on this machine.
class NoDriverError : public CudaError {
 public:
  using CudaError::CudaError;
};

/// Programmer error: aborts with the condition and location. Never use for user input.
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);

}  // namespace kopt

#define KOPT_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::kopt::CheckFailed(#cond, __FILE__, __LINE__))
