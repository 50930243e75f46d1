// SPDX-License-Identifier: Apache-2.0
// What kopt prints, on stdout or stderr, goes through these two functions, which remove every
// known secret (core/secrets.h) on the way to the terminal.
#pragma once

namespace kopt::cli {

/// printf to stdout, with every known secret replaced by "[redacted]".
void Print(const char* format, ...) __attribute__((format(printf, 1, 2)));
/// The same to stderr.
void PrintError(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace kopt::cli
