// SPDX-License-Identifier: Apache-2.0
#include "core/expr.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

const SymbolTable kSizes = {{"M", 4096}, {"N", 1000}, {"K", 64}};

TEST(ExprTest, EvaluatesArithmeticWithPrecedence) {
  EXPECT_EQ(EvalExpr("2*M*N*K", kSizes), 2LL * 4096 * 1000 * 64);
  EXPECT_EQ(EvalExpr("1 + 2 * 3", {}), 7);
  EXPECT_EQ(EvalExpr("(1 + 2) * 3", {}), 9);
  EXPECT_EQ(EvalExpr("-K + 100", kSizes), 36);
  EXPECT_EQ(EvalExpr("N / 3", kSizes), 333);
  EXPECT_EQ(EvalExpr("N % 3", kSizes), 1);
  EXPECT_EQ(EvalExpr("10 - 4 - 3", {}), 3);
}

TEST(ExprTest, EvaluatesFunctions) {
  EXPECT_EQ(EvalExpr("cdiv(N, 128)", kSizes), 8);
  EXPECT_EQ(EvalExpr("cdiv(1024, 128)", {}), 8);
  EXPECT_EQ(EvalExpr("min(M, N)", kSizes), 1000);
  EXPECT_EQ(EvalExpr("max(1, K / 128)", kSizes), 1);
  EXPECT_EQ(EvalExpr("2*(128*64 + 64*128)*2", {}), 65536);
}

TEST(ExprTest, ListsNames) {
  EXPECT_EQ(Expr::Parse("cdiv(N, BM) * M + N").Names(), (std::vector<std::string>{"N", "BM", "M"}));
}

TEST(ExprTest, RejectsBadSyntaxWithColumn) {
  for (const char* bad : {"", "2 *", "(M", "M N", "foo(1, 2)", "cdiv(1)", "3 $ 4", "M)"}) {
    EXPECT_THROW(Expr::Parse(bad), ExprError) << bad;
  }
  try {
    Expr::Parse("M + * N");
    FAIL();
  } catch (const ExprError& e) {
    EXPECT_NE(std::string(e.what()).find("column 5"), std::string::npos) << e.what();
  }
}

TEST(ExprTest, RejectsUnknownNamesAndListsKnownOnes) {
  try {
    EvalExpr("M * Q", kSizes);
    FAIL();
  } catch (const ExprError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("unknown name 'Q'"), std::string::npos) << what;
    EXPECT_NE(what.find("K, M, N"), std::string::npos) << what;
  }
}

TEST(ExprTest, RejectsDivisionByZeroAndOverflow) {
  EXPECT_THROW(EvalExpr("M / (N - 1000)", kSizes), ExprError);
  EXPECT_THROW(EvalExpr("M % 0", kSizes), ExprError);
  EXPECT_THROW(EvalExpr("cdiv(M, 0)", kSizes), ExprError);
  EXPECT_THROW(EvalExpr("9223372036854775807 + 1", {}), ExprError);
  EXPECT_THROW(EvalExpr("M*M*M*M*M*M", kSizes), ExprError);
  EXPECT_THROW(EvalExpr("99999999999999999999", {}), ExprError);
}

}  // namespace
}  // namespace kopt
