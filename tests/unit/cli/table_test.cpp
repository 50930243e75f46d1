// SPDX-License-Identifier: Apache-2.0
#include "cli/table.h"

#include <gtest/gtest.h>

namespace kopt::cli {
namespace {

Table Sample() {
  Table table({{"name", 6}, {"ms", 6, true}, {"note", 0, false, "  "}});
  table.Add({"gemm", "0.25", "fast"});
  table.Add({"softmax_rows", "12.5", "a, \"quoted\" note"});
  return table;
}

TEST(TableTest, AlignedColumnsArePaddedLikePrintfAndNeverCut) {
  // As printf("%-6s %6s  %s\n"): a cell wider than its column pushes the rest right.
  EXPECT_EQ(Sample().Aligned(),
            "name       ms  note\n"
            "gemm     0.25  fast\n"
            "softmax_rows   12.5  a, \"quoted\" note\n");
}

TEST(TableTest, FittedColumnsTakeTheWidestCellAndTheLastLeftColumnIsNotPadded) {
  Table table({{"a"}, {"long header", 0, true, "  "}, {"c", 0, false, "  "}});
  table.Add({"xyz", "1", "last"});
  table.Add({"x", "22", "l"});
  table.FitWidths();
  EXPECT_EQ(table.Aligned(),
            "a    long header  c\n"
            "xyz            1  last\n"
            "x             22  l\n");
}

TEST(TableTest, MarkdownHasAHeaderRuleAndKeepsCellsAsTheyAre) {
  EXPECT_EQ(Sample().Markdown(),
            "| name | ms | note |\n"
            "|---|---|---|\n"
            "| gemm | 0.25 | fast |\n"
            "| softmax_rows | 12.5 | a, \"quoted\" note |\n");
}

TEST(TableTest, CsvQuotesOnlyTheCellsThatNeedIt) {
  EXPECT_EQ(Sample().Csv(),
            "name,ms,note\n"
            "gemm,0.25,fast\n"
            "softmax_rows,12.5,\"a, \"\"quoted\"\" note\"\n");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

}  // namespace
}  // namespace kopt::cli
