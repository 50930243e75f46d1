// SPDX-License-Identifier: Apache-2.0
#include "core/candidate.h"

#include "tests/support/scale_task.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using testing::ScaleTask;

// One kernel over N with a block of BS threads, BS one of `values`.
std::string Kernel(const std::string& grid = "cdiv(N,BS)",
                   const std::string& values = "[128, 256, 4096]") {
  return "/*@kopt\n{\"launch\": [{\"kernel\": \"k\", \"grid\": [\"" + grid +
         "\"], \"block\": [\"BS\"], \"args\": [\"X\", \"Y\", \"N\"]}],\n \"tunables\": {\"BS\": " +
         values +
         "}}\n@kopt*/\nextern \"C\" __global__ void k(const float* x, float* y, int n) {}\n";
}

TEST(CandidateTest, AKernelCarriesItsBlockItsFullChoiceAndItsKey) {
  Task task = ScaleTask();
  CandidateResult r = TryMakeCandidate(task, Kernel());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Candidate& c = r.value();
  EXPECT_EQ(c.source, Kernel());
  ASSERT_EQ(c.launch.variants[0].launches.size(), 1u);
  EXPECT_EQ(c.launch.variants[0].launches[0].kernel, "k");
  EXPECT_EQ(c.tunables, (TunableChoice{{"BS", 128}}));
  EXPECT_EQ(c.key, CandidateKey(c.source, c.tunables));
  EXPECT_EQ(r.key(), c.key);
  // Two spellings of one choice are one kernel; another value is another.
  EXPECT_EQ(TryMakeCandidate(task, Kernel(), {{"BS", 128}}).key(), c.key);
  CandidateResult wide = TryMakeCandidate(task, Kernel(), {{"BS", 256}});
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide.tunables(), (TunableChoice{{"BS", 256}}));
  EXPECT_NE(wide.key(), c.key);
}

TEST(CandidateTest, TheKeyIsTheOneStoredBeforeCandidatesExisted) {
  // Computed by kopt before the Candidate value existed (CandidateKey of the source and its
  // resolved tunables); stores written since hold it as eval_key, so it must not change.
  std::string source =
      "/*@kopt\n{\"launch\": [{\"kernel\": \"k\", \"grid\": [\"cdiv(N,BS)\"], \"block\": "
      "[\"BS\"], \"args\": [\"X\", \"Y\", \"N\"]}],\n \"tunables\": {\"BS\": [128, 256]}}\n"
      "@kopt*/\nextern \"C\" __global__ void k(const float* X, float* Y, int n) {}\n";
  Task task = ScaleTask();
  EXPECT_EQ(TryMakeCandidate(task, source).key(),
            "cf1a90bf04c0dc7c866c6d7545e0c4a18502af25a04b2ba81431cccbd75f9141");
  EXPECT_EQ(TryMakeCandidate(task, source, {{"BS", 256}}).key(),
            "67011543a495e37b17a6ca37a6dc4d467279b48b05b7fffab4b63b66a9d98b08");
  // An empty text (an answer without code) keeps the key it had.
  EXPECT_EQ(TryMakeCandidate(task, "").key(),
            "28a3a18f6cd6406b086e9ffda1f9b8a13dbcf44b0f3f32cb9031a11fd053acf9");
}

TEST(CandidateTest, EachReasonIsItsOwnKind) {
  Task task = ScaleTask();
  CandidateResult empty = TryMakeCandidate(task, "  \n", {}, "a.cu");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, CandidateErrorKind::kNoCode);
  EXPECT_EQ(empty.error().message, "a.cu: the candidate is empty (no code)");

  std::string no_block = "extern \"C\" __global__ void k() {}\n";
  CandidateResult missing = TryMakeCandidate(task, no_block, {}, "a.cu");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, CandidateErrorKind::kLaunchBlock);
  EXPECT_NE(missing.error().message.find("a.cu: launch block: missing"), std::string::npos)
      << missing.error().message;

  // Fits the main size, not the check size N=1001: the grid is zero there.
  CandidateResult ragged = TryMakeCandidate(task, Kernel("N / 4096"), {}, "a.cu");
  ASSERT_FALSE(ragged.ok());
  EXPECT_EQ(ragged.error().kind, CandidateErrorKind::kLaunchBlock);
  EXPECT_NE(ragged.error().message.find("must be positive"), std::string::npos);
  // Without a task no size is checked.
  EXPECT_TRUE(TryMakeCandidate(Kernel("N / 4096")).ok());

  CandidateResult unknown = TryMakeCandidate(task, Kernel(), {{"BK", 8}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, CandidateErrorKind::kTunables);
  EXPECT_EQ(unknown.error().message, "tunable 'BK' is not in the launch block");
  CandidateResult outside = TryMakeCandidate(task, Kernel(), {{"BS", 96}});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().kind, CandidateErrorKind::kTunables);
  EXPECT_EQ(outside.error().message, "tunable BS=96 is not one of its values");

  EXPECT_EQ(CandidateErrorKindName(CandidateErrorKind::kNoCode), "no_code");
  EXPECT_EQ(CandidateErrorKindName(CandidateErrorKind::kCutOff), "cut_off");
  EXPECT_EQ(CandidateErrorKindName(CandidateErrorKind::kLaunchBlock), "launch_block");
  EXPECT_EQ(CandidateErrorKindName(CandidateErrorKind::kTunables), "tunables");
}

TEST(CandidateTest, AFailedTextKeepsItsTunablesAsFarAsTheyResolved) {
  Task task = ScaleTask();
  // No block: the overrides as given.
  std::string no_block = "extern \"C\" __global__ void k() {}\n";
  CandidateResult missing = TryMakeCandidate(task, no_block, {{"X", 1}});
  EXPECT_EQ(missing.source(), no_block);
  EXPECT_EQ(missing.tunables(), (TunableChoice{{"X", 1}}));
  EXPECT_EQ(missing.key(), CandidateKey(no_block, {{"X", 1}}));
  // A bad override: the overrides as given.
  EXPECT_EQ(TryMakeCandidate(task, Kernel(), {{"BS", 96}}).tunables(), (TunableChoice{{"BS", 96}}));
  // The block parses and the choice fits it, not the task: the full choice.
  CandidateResult too_wide = TryMakeCandidate(task, Kernel("N / BS"), {{"BS", 4096}});
  ASSERT_FALSE(too_wide.ok());
  EXPECT_EQ(too_wide.tunables(), (TunableChoice{{"BS", 4096}}));
  CandidateResult ragged = TryMakeCandidate(task, Kernel("N / 4096"));
  EXPECT_EQ(ragged.tunables(), (TunableChoice{{"BS", 128}}));
  EXPECT_EQ(ragged.key(), CandidateKey(Kernel("N / 4096"), {{"BS", 128}}));
}

TEST(CandidateTest, RetuningKeepsTheBlockAndChecksTheNewChoice) {
  Task task = ScaleTask();
  Candidate base = TryMakeCandidate(task, Kernel("N / BS")).value();
  CandidateResult fits = TryRetune(base, task, {{"BS", 256}});
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits.value().launch.variants[0].launches[0].grid,
            base.launch.variants[0].launches[0].grid);
  EXPECT_EQ(fits.key(), CandidateKey(base.source, {{"BS", 256}}));
  // N / 4096 is zero on the check size.
  CandidateResult zero = TryRetune(base, task, {{"BS", 4096}});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().kind, CandidateErrorKind::kLaunchBlock);
  EXPECT_EQ(zero.key(), CandidateKey(base.source, {{"BS", 4096}}));
}

TEST(CandidateTest, ATextThatIsNotACandidateIsALaunchErrorWithItsReason) {
  EvalResult cut = NotACandidateResult({CandidateErrorKind::kCutOff, "the answer was cut off"});
  EXPECT_EQ(cut.status, EvalStatus::kLaunchError);
  EXPECT_EQ(cut.message, "the answer was cut off");
  EXPECT_EQ(cut.check, "");
  EvalResult block = NotACandidateResult({CandidateErrorKind::kLaunchBlock, "x"});
  EXPECT_EQ(block.status, EvalStatus::kLaunchError);
  EXPECT_EQ(block.check, "launch");
  EXPECT_EQ(NotACandidateResult({CandidateErrorKind::kTunables, "y"}).check, "launch");
  // A default result is an empty text.
  CandidateResult none;
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, CandidateErrorKind::kNoCode);
  EXPECT_EQ(none.key(), CandidateKey("", {}));
}

}  // namespace
}  // namespace kopt
