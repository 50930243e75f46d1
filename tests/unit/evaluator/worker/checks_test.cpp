// SPDX-License-Identifier: Apache-2.0
// The check list on evidence made on the host: each check catches its fault, names itself, and
// lets an honest run through.
#include "evaluator/worker/checks/checks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

namespace kopt {
namespace {

std::vector<unsigned char> Floats(const std::vector<float>& values) {
  std::vector<unsigned char> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

void SetBits(std::vector<unsigned char>& bytes, std::size_t index, std::uint32_t word) {
  std::memcpy(bytes.data() + index * 4, &word, 4);
}

class ChecksTest : public ::testing::Test {
 protected:
  ChecksTest() : expected_(Floats({1.f, 2.f, 3.f, 4.f})) {
    run_.when = "correctness check (input 1 of 3, size N=4)";
    run_.tolerance = {1e-5, 1e-5};
    run_.buffers = {{"X", 0}, {"Y", 0}};
    run_.inputs = {{"X", 42, 42}};
    run_.outputs = {{"Y", DType::kF32, {4}, expected_, &expected_, MakePoison(DType::kF32, 7)}};
  }

  std::optional<CheckFailure> Apply() { return ApplyRunChecks(run_, record_); }

  std::vector<unsigned char> expected_;
  RunEvidence run_;
  CheckRecord record_;
};

TEST_F(ChecksTest, AnHonestRunPassesAndRecordsItsErrors) {
  run_.outputs[0].actual = Floats({1.f, 2.f, 3.f, 4.00001f});
  EXPECT_FALSE(Apply().has_value());
  EXPECT_GT(record_.max_abs_error, 0);
  EXPECT_LT(record_.max_abs_error, 2e-5);
}

TEST_F(ChecksTest, AWriteIntoAGuardZoneIsCaughtByGuards) {
  run_.buffers[1].guard_damage = 4;
  auto f = Apply();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->check, "guards");
  EXPECT_EQ(f->status, EvalStatus::kWrongAnswer);
  EXPECT_NE(f->message.find("wrote outside buffer 'Y'"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, AChangedInputIsCaughtByInputsUnchanged) {
  run_.inputs[0].checksum_after = 43;
  auto f = Apply();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->check, "inputs_unchanged");
  EXPECT_NE(f->message.find("modified input 'X'"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, AnElementStillHoldingThePoisonIsUnwrittenEvenWhereTheReferenceIsNaN) {
  // The reference is NaN at [2]; a kernel that leaves the poison there must not pass as a NaN.
  expected_ = Floats({1.f, 2.f, std::nanf(""), 4.f});
  run_.outputs[0].actual = expected_;
  SetBits(run_.outputs[0].actual, 2, run_.outputs[0].poison.word);
  auto f = Apply();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->check, "outputs_written");
  EXPECT_NE(f->message.find("did not write 1 of 4"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("Y[2]"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, AKernelsOwnNaNWhereTheReferenceHasNaNIsNotUnwritten) {
  expected_ = Floats({1.f, 2.f, std::nanf(""), 4.f});
  run_.outputs[0].actual = expected_;
  SetBits(run_.outputs[0].actual, 2, 0x7FFFFFFFu);  // the canonical NaN a GPU computes
  EXPECT_FALSE(Apply().has_value());
}

TEST_F(ChecksTest, AValueOutOfToleranceIsCaughtByTolerance) {
  run_.outputs[0].actual = Floats({1.f, 2.f, 3.1f, 4.f});
  auto f = Apply();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->check, "tolerance");
  EXPECT_NE(f->message.find("1 of 4 elements differ"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, ATimedRunThatWentWrongIsCaughtByTimedOutputs) {
  run_.outputs.clear();
  run_.timed = TimedEvidence{120, 60, 60 * 4096, 60 * 4096, 17};
  auto f = Apply();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->check, "timed_outputs");
  EXPECT_NE(f->message.find("60 of 120 timed runs"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("run 17"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("left unwritten"), std::string::npos) << f->message;
}

TEST_F(ChecksTest, TimedRunsThatAllMatchPass) {
  run_.outputs.clear();
  run_.timed = TimedEvidence{120, 0, 0, 0, -1};
  EXPECT_FALSE(Apply().has_value());
}

TEST_F(ChecksTest, EveryCheckInTheListHasADistinctName) {
  std::set<std::string_view> names;
  for (const auto& c : RunChecks()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
  EXPECT_GE(RunChecks().size(), 5u);
}

TEST(PoisonTest, FloatPoisonsAreNaNsThatNoGpuComputesAndChangeWithTheSalt) {
  for (DType dtype : {DType::kF32, DType::kF16, DType::kBF16, DType::kF64}) {
    Poison a = MakePoison(dtype, 1), b = MakePoison(dtype, 2);
    EXPECT_NE(a.word, b.word) << DTypeName(dtype);
    std::vector<unsigned char> bytes(DTypeSize(dtype) * 3, 0);
    for (std::size_t i = 0; i < bytes.size(); i += static_cast<std::size_t>(a.width)) {
      std::memcpy(bytes.data() + i, &a.word, static_cast<std::size_t>(a.width));
    }
    EXPECT_EQ(CountPoisoned(bytes, a), 3u) << DTypeName(dtype);
    EXPECT_EQ(CountPoisoned(bytes, b), 0u) << DTypeName(dtype);
  }
  Poison f32 = MakePoison(DType::kF32, 99);
  float value;
  std::memcpy(&value, &f32.word, 4);
  EXPECT_TRUE(std::isnan(value));
  EXPECT_NE(f32.word & 0x7FFFFFFFu, 0x7FFFFFFFu);  // not the canonical NaN
}

TEST(PoisonTest, FirstPoisonedFindsTheFirstElement) {
  Poison p = MakePoison(DType::kI32, 5);
  std::vector<unsigned char> bytes(16, 0);
  std::memcpy(bytes.data() + 8, &p.word, 4);
  EXPECT_EQ(FirstPoisoned(bytes, p), 2);
  EXPECT_EQ(CountPoisoned(bytes, p), 1u);
}

}  // namespace
}  // namespace kopt
