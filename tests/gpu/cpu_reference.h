// SPDX-License-Identifier: Apache-2.0
// Independent CPU implementations of every task, so that a wrong reference.cu cannot make wrong
// kernels look right: the GPU test runs each task's reference at a small size on GPU-generated
// inputs and compares its outputs with the CPU's, under the task's tolerance.
//
// A CPU reference reads inputs and scalars as doubles and fills every output (already sized,
// row-major, by tensor name); the test rounds outputs to their dtype before comparing. Register
// one per task, in the file of its class under cpu_references/:
//
//   void GemmBf16(CpuCase& c) { ... c.in("A") ... c.out("C")[i] = ...; }
//   KOPT_CPU_REFERENCE(gemm_bf16_4096, GemmBf16, {{"M", 64}, {"N", 48}, {"K", 80}});
#pragma once

#include "core/expr.h"

#include <map>
#include <string>
#include <vector>

namespace kopt::testing {

struct CpuCase {
  SymbolTable symbols;
  std::map<std::string, std::vector<double>, std::less<>> inputs;
  std::map<std::string, double, std::less<>> scalars;
  std::map<std::string, std::vector<double>, std::less<>> outputs;

  /// A symbol's value; aborts the test binary on an unknown name (a bug in the CPU reference).
  std::int64_t sym(const std::string& name) const;
  const std::vector<double>& in(const std::string& name) const;
  double scalar(const std::string& name) const;
  std::vector<double>& out(const std::string& name);
};

using CpuReferenceFn = void (*)(CpuCase&);

struct CpuReference {
  std::string task;
  CpuReferenceFn fn = nullptr;
  SymbolTable size;  // small enough for a naive CPU loop: a few million operations at most
};

/// Every registered CPU reference, by task name.
std::map<std::string, CpuReference>& CpuReferences();

struct CpuReferenceRegistrar {
  CpuReferenceRegistrar(const char* task, CpuReferenceFn fn, SymbolTable size);
};

}  // namespace kopt::testing

#define KOPT_CPU_REFERENCE(task, fn, ...)                                  \
  static const ::kopt::testing::CpuReferenceRegistrar kopt_cpu_ref_##task( \
      #task, fn, ::kopt::SymbolTable __VA_ARGS__)
