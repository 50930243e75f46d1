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

}  // namespace
}  // namespace kopt
