// SPDX-License-Identifier: Apache-2.0
#include "tests/gpu/cpu_reference.h"

#include <cstdio>
#include <cstdlib>

namespace kopt::testing {
namespace {

template <typename Map>
auto& Lookup(Map& map, const std::string& name, const char* what) {
  auto it = map.find(name);
  if (it == map.end()) {
    std::fprintf(stderr, "CPU reference: no %s named '%s'\n", what, name.c_str());
    std::abort();
  }
  return it->second;
}

}  // namespace

std::int64_t CpuCase::sym(const std::string& name) const { return Lookup(symbols, name, "symbol"); }
const std::vector<double>& CpuCase::in(const std::string& name) const {
  return Lookup(inputs, name, "input");
}
double CpuCase::scalar(const std::string& name) const { return Lookup(scalars, name, "scalar"); }
std::vector<double>& CpuCase::out(const std::string& name) {
  return Lookup(outputs, name, "output");
}

std::map<std::string, CpuReference>& CpuReferences() {
  static std::map<std::string, CpuReference> references;
  return references;
}

CpuReferenceRegistrar::CpuReferenceRegistrar(const char* task, CpuReferenceFn fn,
                                             SymbolTable size) {
  auto [it, inserted] = CpuReferences().emplace(task, CpuReference{task, fn, std::move(size)});
  if (!inserted) {
    std::fprintf(stderr, "CPU reference registered twice: %s\n", task);
    std::abort();
  }
}

}  // namespace kopt::testing
