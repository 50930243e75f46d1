// SPDX-License-Identifier: Apache-2.0
// Exported kernels: a header of measurements, the launch block with the measured tunable
// choice as its default, one file per task and GPU.
#include "results/export.h"

#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kopt {
namespace {

using testing::CandidateSource;
using testing::CorrectResult;
using testing::MakeTask;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ExportTest, DeviceSlugsAreFileNameSafe) {
  EXPECT_EQ(DeviceSlug("NVIDIA H100 80GB HBM3"), "h100_80gb_hbm3");
  EXPECT_EQ(DeviceSlug("NVIDIA A100-SXM4-80GB"), "a100_sxm4_80gb");
  EXPECT_EQ(DeviceSlug("  "), "gpu");
}

TEST(ExportTest, WritesTheBestKernelWithItsMeasurementsAndChosenTunables) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Task task = MakeTask("reduce", "s1");
  std::int64_t task_id = store.AddTask(task, "s1");
  NewCandidate c = testing::TestCandidate(task_id, CandidateSource(3), {{"BS", 256}}, "llm");
  c.parent_id = store.ReferenceCandidate(task_id);
  c.plan = "Use 256 threads.";
  c.menu_option_id = "launch.block_size";
  c.model = "model-a";
  std::int64_t id = store.AddCandidate(c);
  store.RecordEvaluation({id, std::nullopt, "", true, CorrectResult(kH100, 0.25, 1.0, 0.3)});
  NewCandidate slow = testing::TestCandidate(task_id, CandidateSource(4), {{"BS", 256}}, "llm");
  slow.parent_id = c.parent_id;
  slow.plan = c.plan;
  slow.menu_option_id = c.menu_option_id;
  slow.model = c.model;
  store.RecordEvaluation(
      {store.AddCandidate(slow), std::nullopt, "", true, CorrectResult(kH100, 0.5, 1.0)});

  std::string out = dir.File("export");
  std::vector<ExportedKernel> files = ExportBest(store, {"", "reduce"}, out);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, out + "/reduce.h100_80gb_hbm3.cu");
  EXPECT_EQ(files[0].candidate_id, id);
  std::string text = Read(files[0].path);
  EXPECT_EQ(text.rfind("// kopt export: the fastest correct kernel for s1/reduce on " + kH100, 0),
            0u)
      << text;
  EXPECT_NE(text.find("median 0.2500 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("over the reference (1.0000 ms): 4.000x"), std::string::npos) << text;
  EXPECT_NE(text.find("over cuBLASLt test (0.3000 ms): 1.200x"), std::string::npos) << text;
  EXPECT_NE(text.find("4.0% of the roofline (memory bound)"), std::string::npos) << text;
  EXPECT_NE(text.find("plan [launch.block_size]: Use 256 threads."), std::string::npos);
  EXPECT_NE(text.find("candidate " + std::to_string(id) + " (llm, model-a)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("tunables BS=256"), std::string::npos) << text;
  EXPECT_NE(text.find("// variant 3"), std::string::npos) << "the source follows";

  // The file is a candidate again, and its default is the measured choice.
  LaunchBlock block = ParseLaunchBlock(text, files[0].path);
  ValidateLaunchBlock(block, task, ChooseTunables(block, {}), files[0].path);
  EXPECT_EQ(ChooseTunables(block, {}), (TunableChoice{{"BS", 256}}));
  ASSERT_EQ(block.tunables.size(), 1u);
  EXPECT_EQ(block.tunables[0].second, (std::vector<std::int64_t>{256, 128}));

  EXPECT_TRUE(ExportBest(store, {"", "no_such_task"}, dir.File("none")).empty());
}

TEST(ExportTest, SeveralVersionsOfATaskGetTheirHashInTheName) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  for (int version : {1, 2}) {
    std::int64_t task_id = store.AddTask(MakeTask("reduce", "s1", version), "s1");
    NewCandidate c = testing::TestCandidate(task_id, CandidateSource(version), {{"BS", 128}});
    store.RecordEvaluation(
        {store.AddCandidate(c), std::nullopt, "", true, CorrectResult(kH100, 0.5, 1.0)});
  }
  std::vector<ExportedKernel> files = ExportBest(store, {}, dir.File("export"));
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].path, files[1].path);
  for (const auto& f : files) {
    EXPECT_TRUE(std::filesystem::exists(f.path)) << f.path;
    EXPECT_EQ(std::filesystem::path(f.path).filename().string().size(),
              std::string("reduce.12345678.h100_80gb_hbm3.cu").size())
        << f.path;
  }
}

}  // namespace
}  // namespace kopt
