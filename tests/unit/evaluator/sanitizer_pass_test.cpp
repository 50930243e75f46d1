// SPDX-License-Identifier: Apache-2.0
// compute-sanitizer's logs as kopt reads them: the summary's counts, and the findings themselves
// when the worker was killed before the summary was written.
// It also holds the pass's coverage of launch variants (NoteUnsanitizedVariants).
#include "evaluator/sanitizer_pass.h"

#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"

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

namespace kopt {
namespace {

EvalResult CleanlySanitized() {
  EvalResult r;
  r.status = EvalStatus::kCorrect;
  r.sanitizer = SanitizerReport{};
  r.sanitizer->ran = true;
  r.sanitizer->tools = {{"memcheck"}, {"racecheck"}, {"initcheck"}, {"synccheck"}};
  return r;
}

// The sanitizer pass runs the check sizes only. The TMA kernels' fast variants run only at the
// main size (the check sizes have unaligned rows), so they were never under the tools: such a
// kernel is not called clean, and the report names the variant. A kernel without variants is.
TEST(SanitizerPassTest, AVariantOnlyTheMainSizeRunsKeepsTheKernelFromBeingClean) {
  const std::string root = KOPT_SOURCE_DIR;
  for (const auto& [task_dir, file] : std::vector<std::pair<std::string, std::string>>{
           {"/tasks/core/gemm_bf16_4096", "gemm_bf16_tma_wgmma.cu"},
           {"/tasks/quick/transpose_fp32", "transpose_fp32_tma.cu"}}) {
    Task task = LoadTask(root + task_dir);
    CandidateResult c =
        TryMakeCandidate(task, ReadFile(root + "/tests/data/candidates/hopper/" + file), {}, file);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EvalResult r = CleanlySanitized();
    ASSERT_TRUE(r.sanitizer->clean());
    NoteUnsanitizedVariants(task, c.value(), DeviceLimits{}, r);
    EXPECT_FALSE(r.sanitizer->clean()) << file;
    EXPECT_NE(r.sanitizer->note.find("variant 0 of 2"), std::string::npos) << r.sanitizer->note;
    EXPECT_TRUE(r.ok());  // a note, not a failure
  }
  Task task = LoadTask(root + "/tasks/quick/transpose_fp32");
  CandidateResult plain = TryMakeCandidate(task, task.reference_source, {}, "reference.cu");
  ASSERT_TRUE(plain.ok());
  EvalResult r = CleanlySanitized();
  NoteUnsanitizedVariants(task, plain.value(), DeviceLimits{}, r);
  EXPECT_TRUE(r.sanitizer->clean()) << r.sanitizer->note;
}

}  // namespace
}  // namespace kopt
