// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

TEST(TextTest, TrimRemovesAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\f\vx"), "x");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim(" \t\r\n"), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("a\n\nb"), "a\n\nb");
}

TEST(TextTest, CalledFunctionNamesTheFunctionOfACallsText) {
  EXPECT_EQ(CalledFunction("cuptiRangeProfilerStart(&p)"), "cuptiRangeProfilerStart");
  EXPECT_EQ(CalledFunction("lt.cublasLtCreate(&s.handle)"), "cublasLtCreate");
  EXPECT_EQ(CalledFunction("Driver().cuCtxGetCurrent(&ctx)"), "cuCtxGetCurrent");
  EXPECT_EQ(CalledFunction("nvrtcCreateProgram(&p, src.c_str(), name.c_str(), 0)"),
            "nvrtcCreateProgram");
  EXPECT_EQ(CalledFunction("  nvrtcGetCUBIN (program.get(), out)"), "nvrtcGetCUBIN");
  EXPECT_EQ(CalledFunction("status"), "status");
}

}  // namespace
}  // namespace kopt
