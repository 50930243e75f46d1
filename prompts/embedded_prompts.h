// SPDX-License-Identifier: Apache-2.0
// The prompt templates of prompts/templates/, built into the binary: CMake generates the
// definitions (embedded_prompts.cpp in the build folder) from the files at build time.
#pragma once

#include <cstddef>

namespace kopt::detail {

struct EmbeddedFile {
  const char* name;  // the file name without ".md"
  const unsigned char* data;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedPrompts[];
extern const std::size_t kEmbeddedPromptCount;

}  // namespace kopt::detail
