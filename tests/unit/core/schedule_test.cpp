// SPDX-License-Identifier: Apache-2.0
// The schedule record: its JSON form round-trips, its fingerprint names its content only, and a
// file that is not a schedule is refused with the field named.
#include "core/schedule.h"

#include "core/error.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using testing::SampleSchedule;

TEST(ScheduleTest, ProfileTakesTheTaskAtItsTimedSize) {
  TaskProfile p = ProfileOf(testing::MakeTask("reduce"), "s1");
  EXPECT_EQ(p.name, "reduce");
  EXPECT_EQ(p.suite, "s1");
  EXPECT_EQ(p.op_class, "reduction");
  EXPECT_EQ(p.input_dtypes, std::vector<std::string>{"f32"});
  EXPECT_EQ(p.output_dtypes, std::vector<std::string>{"f32"});
  EXPECT_EQ(p.symbols.at("N"), 4096);
  EXPECT_GT(p.bytes, 0);
  EXPECT_EQ(p.content_hash, testing::MakeTask("reduce").content_hash);
}

TEST(ScheduleTest, JsonRoundTripKeepsEveryStepAndAlternative) {
  Schedule s = SampleSchedule("reduce", "NVIDIA H100 80GB HBM3");
  s.kernel_source = "extern \"C\" __global__ void reduce() {}\n";
  Schedule back = ScheduleFromJson(ToJson(s), "in.json");
  EXPECT_EQ(back.kernel_source, s.kernel_source);
  EXPECT_EQ(ToJson(back).dump(), [&] {
    Schedule imported = s;
    imported.origin = "imported";
    return ToJson(imported).dump();
  }());
  ASSERT_EQ(back.steps.size(), 2u);
  EXPECT_EQ(back.steps[0].tried.size(), 1u);
  EXPECT_EQ(back.steps[0].tried[0].status, "wrong_answer");
  EXPECT_FALSE(back.steps[0].tried[0].speedup);
  EXPECT_EQ(back.steps[1].option, kInventedOption);
  EXPECT_EQ(back.steps[1].tunables.at("BS"), 256);
  EXPECT_EQ(ScheduleFingerprint(back), ScheduleFingerprint(s));
}

TEST(ScheduleTest, FingerprintIgnoresWhereItIsStoredButNotWhatItSays) {
  Schedule s = SampleSchedule("reduce", "GPU");
  Schedule stored = s;
  stored.id = 7;
  stored.origin = "imported";
  stored.source_candidate_id = 3;
  stored.created_at = "2026-01-01T00:00:00Z";
  stored.kernel_source = "the winner's source, which the last step's kernel key names already";
  EXPECT_EQ(ScheduleFingerprint(stored), ScheduleFingerprint(s));
  Schedule edited = s;
  edited.steps[1].plan += " And fuse.";
  EXPECT_NE(ScheduleFingerprint(edited), ScheduleFingerprint(s));
  Schedule other_gpu = s;
  other_gpu.arch = "sm_80";
  EXPECT_NE(ScheduleFingerprint(other_gpu), ScheduleFingerprint(s));
}

// A file that is not a schedule names the file and the field, whatever is wrong with it.
TEST(ScheduleTest, BadFilesAreRefusedNamingTheField) {
  nlohmann::json good = ToJson(SampleSchedule("reduce", "GPU"));
  auto error_of = [](const nlohmann::json& j) {
    try {
      ScheduleFromJson(j, "team.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error_of(good), "accepted");

  nlohmann::json j = good;
  j["format"] = "kopt-schedule/9";
  EXPECT_NE(error_of(j).find("team.json: format: \"kopt-schedule/9\""), std::string::npos);
  j = good;
  j["steps"] = nlohmann::json::array();
  EXPECT_NE(error_of(j).find("team.json: steps: a schedule needs at least one step"),
            std::string::npos);
  j = good;
  j["steps"][1]["tried"] = {{{"option", "x"}, {"plan", "p"}, {"status", 3}}};
  EXPECT_NE(error_of(j).find("team.json: steps[1].tried[0].status"), std::string::npos);
  j = good;
  j["task"]["symbols"]["N"] = "4096";
  EXPECT_NE(error_of(j).find("team.json: task.symbols.N: expected an integer"), std::string::npos);
  j = good;
  j["steps"][0]["script"] = "<script>";
  EXPECT_NE(error_of(j).find("team.json: steps[0].script: unknown key"), std::string::npos);
  j = good;
  j["steps"][0]["option"] = "";
  EXPECT_NE(error_of(j).find("team.json: steps[0].option: empty"), std::string::npos);
  j = good;
  j.erase("gpu");
  EXPECT_NE(error_of(j).find("team.json: gpu: missing required field"), std::string::npos);
}

}  // namespace
}  // namespace kopt
