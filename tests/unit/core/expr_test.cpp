// SPDX-License-Identifier: Apache-2.0
#include "core/expr.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

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

// Parsing, evaluation and the tree's destruction recurse: text from an LLM cannot make them
// overflow kopt's stack.
TEST(ExprTest, DeepOrLongTextIsRefusedNotACrash) {
  EXPECT_THROW(Expr::Parse(std::string(100000, '!') + "1"), ExprError);
  EXPECT_THROW(Expr::Parse(std::string(100000, '(') + "1" + std::string(100000, ')')), ExprError);
  std::string sum = "1";
  for (int i = 0; i < 50000; ++i) sum += "+1";
  EXPECT_THROW(Expr::Parse(sum), ExprError);
  EXPECT_EQ(EvalExpr(std::string(60, '(') + "2" + std::string(60, ')'), {}), 2);
  EXPECT_EQ(EvalExpr("!!!!1", {}), 1);
}

TEST(ExprTest, ComparesAndCombinesWithCPrecedence) {
  EXPECT_EQ(EvalExpr("K % 8 == 0 && N % 8 == 0", kSizes), 1);
  EXPECT_EQ(EvalExpr("K % 8 == 0 && N % 16 == 0", kSizes), 0);
  EXPECT_EQ(EvalExpr("M < 100 || N >= 1000", kSizes), 1);
  EXPECT_EQ(EvalExpr("M <= 4096", kSizes), 1);
  EXPECT_EQ(EvalExpr("M > 4096", kSizes), 0);
  EXPECT_EQ(EvalExpr("N != 1000", kSizes), 0);
  EXPECT_EQ(EvalExpr("!(N != 1000)", kSizes), 1);
  EXPECT_EQ(EvalExpr("!0 + !5", {}), 1);
  // && binds tighter than ||, and comparison tighter than both, as in C.
  EXPECT_EQ(EvalExpr("1 || 0 && 0", {}), 1);
  EXPECT_EQ(EvalExpr("(1 || 0) && 0", {}), 0);
  EXPECT_EQ(EvalExpr("1 + 1 == 2", {}), 1);
  // A comparison is a value, usable in arithmetic and functions.
  EXPECT_EQ(EvalExpr("128 * (K >= 64) + 64 * (K < 64)", kSizes), 128);
  EXPECT_EQ(EvalExpr("max(N > 0, 7 == 7)", kSizes), 1);
}

TEST(ExprTest, LogicalOperatorsSkipTheSideThatCannotMatter) {
  EXPECT_EQ(EvalExpr("Z > 0 && N % Z == 0", {{"Z", 0}, {"N", 8}}), 0);
  EXPECT_EQ(EvalExpr("Z == 0 || N / Z > 1", {{"Z", 0}, {"N", 8}}), 1);
  // Without the guard, the same division still fails.
  EXPECT_THROW(EvalExpr("N % Z == 0", {{"Z", 0}, {"N", 8}}), ExprError);
}

TEST(ExprTest, RejectsChainedAndMalformedComparisons) {
  for (const char* bad :
       {"1 < 2 < 3", "1 == 1 == 1", "M <", "&& M", "M & N", "M | N", "M = 1", "M << 2", "!"}) {
    EXPECT_THROW(Expr::Parse(bad), ExprError) << bad;
  }
  EXPECT_NO_THROW(Expr::Parse("(1 < 2) == 1"));
}

// Python evaluates the ToPython form of each expression with the exported runtime's helpers;
// it must give the value kopt gives, at sizes where / and % truncate toward zero differently
// from Python's // and %.
TEST(ExprTest, PythonFormGivesTheSameValues) {
  if (std::system("python3 -c 'pass' > /dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  const std::vector<std::string> exprs = {
      "K % 8 == 0 && N % 8 == 0", "-N / 7 < 0 || M % 3 != 1",
      "!(M >= N) + (K <= 3) * 2", "cdiv(-N, 3) > -400 && min(M, K) == K",
      "Z > 0 && N % Z == 0",      "-N % 7 == -6"};
  const SymbolTable sizes = {{"M", 4096}, {"N", 1000}, {"K", 64}, {"Z", 0}};
  std::string script =
      "def div(a, b):\n"
      "    q = abs(a) // abs(b)\n"
      "    return q if (a >= 0) == (b > 0) else -q\n"
      "def mod(a, b):\n"
      "    return a - div(a, b) * b\n"
      "def cdiv(a, b):\n"
      "    return div(a + b - 1, b) if a >= 0 else div(a, b)\n"
      "s = {'M': 4096, 'N': 1000, 'K': 64, 'Z': 0}\n";
  std::string expected;
  for (const auto& e : exprs) {
    script += "print(" + Expr::Parse(e).ToPython() + ")\n";
    expected += std::to_string(EvalExpr(e, sizes)) + "\n";
  }
  std::string path = ::testing::TempDir() + "/expr_python_test.py";
  {
    std::ofstream out(path);
    out << script;
  }
  std::string got;
  FILE* pipe = popen(("python3 " + path).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) got += buffer;
  ASSERT_EQ(pclose(pipe), 0) << got;
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace kopt
