// SPDX-License-Identifier: Apache-2.0
#include "core/stage_clock.h"

#include "core/eval_result.h"

#include <gtest/gtest.h>

#include <thread>

namespace kopt {
namespace {

TEST(StageClockTest, ScopesAddUpPerStage) {
  StageClock clock;
  for (int i = 0; i < 3; ++i) {
    auto scope = clock.Measure("inputs");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  { auto scope = clock.Measure("compare"); }
  clock.Add("compile", 12.5);
  ASSERT_EQ(clock.times().size(), 3u);
  EXPECT_GE(clock.times().at("inputs"), 6.0);
  EXPECT_LT(clock.times().at("compare"), clock.times().at("inputs"));
  EXPECT_DOUBLE_EQ(clock.times().at("compile"), 12.5);

  StageTimes sum = {{"compile", 1.0}};
  AddStageTimes(sum, clock.times());
  EXPECT_DOUBLE_EQ(sum.at("compile"), 13.5);
  EXPECT_EQ(StageTimesText({{"a", 1.0}, {"b", 30.25}}), "b 30.2 ms, a 1.0 ms");
}

TEST(StageClockTest, AResultCarriesItsStagesThroughJson) {
  EvalResult r;
  r.status = EvalStatus::kCorrect;
  r.stage_ms = {{"compile", 519.8}, {"worker_round_trip", 80.0}, {"reference", 30.5}};
  EvalResult back = EvalResultFromJson(ToJson(r));
  EXPECT_EQ(back.stage_ms, r.stage_ms);
  EXPECT_FALSE(ToJson(EvalResult{}).contains("stage_ms"));
}

}  // namespace
}  // namespace kopt
