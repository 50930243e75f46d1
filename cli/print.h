// SPDX-License-Identifier: Apache-2.0
// What kopt prints, on stdout or stderr, goes through these functions, which remove every known
// secret (core/secrets.h) on the way to the terminal: plain lines (Print), JSON documents
// (PrintJson) and tables (table.h renders them, Print prints the text).
#pragma once

#include <nlohmann/json.hpp>

namespace kopt::cli {

/// printf to stdout, with every known secret replaced by "[redacted]".
void Print(const char* format, ...) __attribute__((format(printf, 1, 2)));
/// `document` indented by 2 and a newline, to stdout: every command's --format json.
void PrintJson(const nlohmann::json& document);
/// printf to stderr, with every known secret replaced by "[redacted]".
void PrintError(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace kopt::cli
