// SPDX-License-Identifier: Apache-2.0
#include "evaluator/eval_job.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

TEST(EvalJobTest, ProfileOptionsTravelToTheWorker) {
  EvalJob job;
  job.task_json = "{}";
  job.candidate.cubin = std::string("\0\1\2", 3);
  job.options.profile = ProfileLevel::kDeep;
  job.options.profile_metrics = {"lts__t_sectors.sum"};
  EvalJob back = EvalJobFromJson(nlohmann::json::parse(ToJson(job).dump()));
  EXPECT_EQ(back.options.profile, ProfileLevel::kDeep);
  EXPECT_EQ(back.options.profile_metrics, job.options.profile_metrics);
  EXPECT_EQ(back.candidate.cubin, job.candidate.cubin);

  // A job without the keys (an older parent) asks for no profile.
  nlohmann::json old = ToJson(job);
  old["options"].erase("profile");
  old["options"].erase("profile_metrics");
  EvalJob plain = EvalJobFromJson(old);
  EXPECT_EQ(plain.options.profile, ProfileLevel::kNone);
  EXPECT_TRUE(plain.options.profile_metrics.empty());
}

}  // namespace
}  // namespace kopt
