// SPDX-License-Identifier: Apache-2.0
// How a test that needs a GPU starts: it skips without one, unless KOPT_REQUIRE_GPU=1 (set on GPU
// machines) turns the skip into a failure, so a broken driver can never pass as a skip.
#pragma once

#include "evaluator/worker/cuda_driver.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#define KOPT_SKIP_WITHOUT_GPU()                                    \
  do {                                                             \
    std::string kopt_why_;                                         \
    if (!::kopt::DriverAvailable(&kopt_why_)) {                    \
      const char* kopt_require_ = std::getenv("KOPT_REQUIRE_GPU"); \
      if (kopt_require_ && std::string(kopt_require_) == "1") {    \
        FAIL() << "KOPT_REQUIRE_GPU=1 but " << kopt_why_;          \
      }                                                            \
      GTEST_SKIP() << kopt_why_;                                   \
    }                                                              \
  } while (0)
