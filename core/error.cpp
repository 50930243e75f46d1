// SPDX-License-Identifier: Apache-2.0
#include "core/error.h"

#include <cstdio>
#include <cstdlib>

namespace kopt {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "kopt: internal check failed: %s (%s:%d)\n", condition, file, line);
  std::abort();
}

}  // namespace kopt
