// SPDX-License-Identifier: Apache-2.0
#include "evaluator/eval_job.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

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

// A reference run's tensors travel as files in a folder the parent names, never inside a frame:
// a task's inputs can exceed the frame limit (a 1 GiB embedding table).
class TensorFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kopt-tensor-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::vector<HostTensor> Tensors() const {
    HostTensor x{"X",
                 DType::kBF16,
                 TensorRole::kInput,
                 {2, 3},
                 std::string("\0\1\2\3\4\5\6\7\10\11\12\13", 12)};
    HostTensor y{"Y", DType::kF32, TensorRole::kOutput, {1}, std::string("\xff\0\x80\x3f", 4)};
    return {x, y};
  }
  std::filesystem::path dir_;
};

TEST_F(TensorFilesTest, BytesGoToFilesAndComeBackUnchanged) {
  nlohmann::json reply = ToJson(Tensors(), dir_.string());
  EXPECT_FALSE(reply.dump().find("data") != std::string::npos) << reply.dump();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "tensor0.bin"));
  std::vector<HostTensor> back = HostTensorsFromJson(reply, dir_.string());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].bytes, Tensors()[0].bytes);
  EXPECT_EQ(back[1].bytes, Tensors()[1].bytes);
  EXPECT_EQ(back[0].shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(back[1].role, TensorRole::kOutput);

  // Inline, as before, without a folder.
  EXPECT_EQ(HostTensorsFromJson(ToJson(Tensors()))[0].bytes, Tensors()[0].bytes);
}

TEST_F(TensorFilesTest, AShortFileOrAPathOutsideTheFolderIsAnError) {
  nlohmann::json reply = ToJson(Tensors(), dir_.string());
  std::ofstream(dir_ / "tensor1.bin", std::ios::binary | std::ios::trunc) << "ab";
  EXPECT_THROW(HostTensorsFromJson(reply, dir_.string()), Error);

  reply = ToJson(Tensors(), dir_.string());
  reply[0]["file"] = "../tensor0.bin";
  EXPECT_THROW(HostTensorsFromJson(reply, dir_.string()), Error);
  reply[0]["file"] = "tensor0.bin";
  EXPECT_THROW(HostTensorsFromJson(reply, ""), Error);  // a file but no folder to read it from
}

TEST_F(TensorFilesTest, TheReferenceRunJobCarriesItsFolder) {
  ReferenceRunJob job;
  job.task_json = "{}";
  job.tensor_dir = dir_.string();
  EXPECT_EQ(ReferenceRunJobFromJson(ToJson(job)).tensor_dir, dir_.string());
  job.tensor_dir.clear();
  EXPECT_EQ(ReferenceRunJobFromJson(ToJson(job)).tensor_dir, "");
}

}  // namespace
}  // namespace kopt
