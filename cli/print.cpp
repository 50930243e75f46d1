// SPDX-License-Identifier: Apache-2.0
#include "cli/print.h"

#include "core/secrets.h"

#include <cstdarg>
#include <cstdio>
#include <string>

namespace kopt::cli {
namespace {

void PrintTo(std::FILE* stream, const char* format, std::va_list args) {
  std::va_list again;
  va_copy(again, args);
  int size = std::vsnprintf(nullptr, 0, format, args);
  if (size > 0) {
    std::string text(static_cast<std::size_t>(size) + 1, '\0');
    std::vsnprintf(text.data(), text.size(), format, again);
    text.pop_back();
    text = RedactSecrets(std::move(text));
    std::fwrite(text.data(), 1, text.size(), stream);
  }
  va_end(again);
}

}  // namespace

void Print(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  PrintTo(stdout, format, args);
  va_end(args);
}

void PrintJson(const nlohmann::json& document) { Print("%s\n", document.dump(2).c_str()); }

void PrintError(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  PrintTo(stderr, format, args);
  va_end(args);
}

}  // namespace kopt::cli
