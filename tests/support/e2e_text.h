// SPDX-License-Identifier: Apache-2.0
// What the end-to-end tests write and read as text: a kernel for the tiny suite's copy task whose
// fake evaluation its markers give (fake_evaluator.h), an LLM answer holding one, a whole file.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kopt::testing {

/// A grid-stride copy for tests/data/suites/tiny/copy_chunked named `name`, with `markers`
/// ("// LAT=0.25", "// STATUS=wrong_answer") for FakeEvaluator.
inline std::string CopyKernel(const std::string& name, const std::string& markers) {
  return "/*@kopt\n{\"launch\": [{\"kernel\": \"" + name +
         "\", \"grid\": [528], \"block\": [256], \"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n" +
         markers + "\nextern \"C\" __global__ void " + name +
         "(const float* __restrict__ X, float* __restrict__ Y, int n) {\n"
         "  for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;"
         " i += (long)gridDim.x * blockDim.x) Y[i] = X[i];\n}\n";
}

/// An LLM answer with `code` in a cuda block.
inline std::string Fenced(const std::string& code) {
  return "Here it is.\n```cuda\n" + code + "```\n";
}

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace kopt::testing
