// SPDX-License-Identifier: Apache-2.0
// compute-sanitizer's logs as kopt reads them: the summary's counts, and the findings themselves
// when the worker was killed before the summary was written.
#include "evaluator/sanitizer_pass.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

constexpr const char* kMemcheck =
    "========= COMPUTE-SANITIZER\n"
    "========= Invalid __global__ read of size 4 bytes\n"
    "=========     at load4(const float *, int)+0x180 in oob_read_tail.cu:25\n"
    "=========     by thread (424,0,0) in block (2,0,0)\n"
    "=========     Access to 0x7f24dc524fa4 is out of bounds\n"
    "=========\n";

TEST(SanitizerLogTest, FindingsCountWhenTheSummaryIsMissing) {
  SanitizerTool t = ParseSanitizerLog("memcheck", kMemcheck);
  EXPECT_EQ(t.errors, 1);
  EXPECT_NE(t.first_error.find("Invalid __global__ read of size 4 bytes"), std::string::npos)
      << t.first_error;
  EXPECT_NE(t.first_error.find("oob_read_tail.cu:25"), std::string::npos) << t.first_error;
}

TEST(SanitizerLogTest, TheSummaryCountsWhenItIsThere) {
  SanitizerTool t =
      ParseSanitizerLog("memcheck", std::string(kMemcheck) + "========= ERROR SUMMARY: 7 errors\n");
  EXPECT_EQ(t.errors, 7);
}

TEST(SanitizerLogTest, RacecheckWarningsAreCountedApartAndStillDemote) {
  SanitizerTool t = ParseSanitizerLog(
      "racecheck",
      "========= Warning: Race reported between Write access at k+0x10 in a.cu:3\n"
      "=========     and Read access at k+0x20 in a.cu:4 [4 hazards]\n"
      "=========\n"
      "========= RACECHECK SUMMARY: 10 hazards displayed (0 errors, 10 warnings)\n");
  EXPECT_EQ(t.errors, 0);
  EXPECT_EQ(t.warnings, 10);
  EXPECT_EQ(t.fatal_findings(), 10);  // warp-synchronous hazards are races since Volta
  EXPECT_NE(t.first_error.find("Race reported"), std::string::npos);
}

TEST(SanitizerLogTest, OtherToolsWarningsAreRecordedNotFatal) {
  SanitizerTool t = ParseSanitizerLog(
      "synccheck", "========= Warning: something benign\n========= ERROR SUMMARY: 0 errors\n");
  t.warnings = 2;
  EXPECT_EQ(t.fatal_findings(), 0);
  EXPECT_TRUE(t.first_error.empty());
}

TEST(SanitizerLogTest, ACleanLogHasNothing) {
  SanitizerTool t = ParseSanitizerLog("initcheck", "========= ERROR SUMMARY: 0 errors\n");
  EXPECT_EQ(t.errors, 0);
  EXPECT_TRUE(t.first_error.empty());
}

}  // namespace
}  // namespace kopt
