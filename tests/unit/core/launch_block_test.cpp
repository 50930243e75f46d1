// SPDX-License-Identifier: Apache-2.0
#include "core/launch_block.h"

#include "core/device_info.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

Task GemmTask() {
  return ParseTask(R"j({
    "schema_version": 1, "name": "gemm", "description": "C = A @ B", "op_class": "gemm",
    "symbols": {"M": 256, "N": 512, "K": 128},
    "check_symbols": [{"M": 100, "N": 33, "K": 7}],
    "tensors": [
      {"name": "A", "dtype": "f32", "shape": ["M", "K"], "role": "input"},
      {"name": "B", "dtype": "f32", "shape": ["K", "N"], "role": "input"},
      {"name": "C", "dtype": "f32", "shape": ["M", "N"], "role": "output"}],
    "scalars": [{"name": "alpha", "dtype": "f32", "value": 1.5}],
    "tolerance": {"rtol": 1e-4, "atol": 1e-4}, "flops": "2*M*N*K", "bytes": "4*(M*K+K*N+M*N)"})j",
                   "gemm/task.json");
}

std::string Source(const std::string& block) {
  return "// header\n/*@kopt\n" + block + "\n@kopt*/\nextern \"C\" __global__ void k() {}\n";
}

const char* kGood = R"j({"launch": [
  {"kernel": "gemm_tile", "grid": ["cdiv(N,BN)", "cdiv(M,BM)"], "block": [256],
   "smem": "BM*BN*4", "args": ["A", "B", "C", "M", "N", "K", "alpha", "partial", "i64:M*N*K"]}],
 "workspace": [{"name": "partial", "bytes": "M*N*4"}],
 "tunables": {"BM": [64, 128], "BN": [32, 64]}})j";

TEST(LaunchBlockTest, ParsesAndResolves) {
  Task task = GemmTask();
  LaunchBlock block = ParseLaunchBlock(Source(kGood), "cand.cu");
  ASSERT_EQ(block.variants.size(), 1u);
  ASSERT_EQ(block.variants[0].launches.size(), 1u);
  EXPECT_FALSE(block.has_variants);
  ASSERT_EQ(block.tunables.size(), 2u);
  TunableChoice choice = ChooseTunables(block, {{"BN", 64}});
  EXPECT_EQ(choice.at("BM"), 64);
  EXPECT_EQ(choice.at("BN"), 64);
  EXPECT_EQ(TunableDefines(choice), (std::vector<std::string>{"-DBM=64", "-DBN=64"}));
  ValidateLaunchBlock(block, task, choice, "cand.cu");

  LaunchPlan plan = ResolveLaunchBlock(block, task, task.symbols, choice, DeviceLimits{});
  const ResolvedLaunch& l = plan.launches[0];
  EXPECT_EQ(l.grid, (std::array<std::uint32_t, 3>{8, 4, 1}));
  EXPECT_EQ(l.block, (std::array<std::uint32_t, 3>{256, 1, 1}));
  EXPECT_EQ(l.smem, 64u * 64 * 4);
  ASSERT_EQ(l.args.size(), 9u);
  EXPECT_EQ(l.args[0].kind, LaunchArg::Kind::kTensor);
  EXPECT_EQ(l.args[3].kind, LaunchArg::Kind::kInt32);
  EXPECT_EQ(l.args[3].int_value, 256);
  EXPECT_EQ(l.args[6].kind, LaunchArg::Kind::kScalar);
  EXPECT_EQ(l.args[6].scalar_value, 1.5);
  EXPECT_EQ(l.args[7].kind, LaunchArg::Kind::kWorkspace);
  EXPECT_EQ(l.args[8].kind, LaunchArg::Kind::kInt64);
  EXPECT_EQ(l.args[8].int_value, 256LL * 512 * 128);
  ASSERT_EQ(plan.workspace_bytes.size(), 1u);
  EXPECT_EQ(plan.workspace_bytes[0].second, 256 * 512 * 4);
}

std::string ErrorOf(const std::string& block_json, const TunableChoice& choice = {}) {
  try {
    Task task = GemmTask();
    LaunchBlock block = ParseLaunchBlock(Source(block_json), "cand.cu");
    ValidateLaunchBlock(block, task, ChooseTunables(block, choice), "cand.cu");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an error for " << block_json;
  return "";
}

TEST(LaunchBlockTest, BadBlocksGiveActionableErrors) {
  struct Case {
    std::string block;
    const char* expected;
  };
  std::vector<Case> cases = {
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["A", "D"]}]})j",
       "launch[0].args[1]: unknown name 'D' (tensors: A B C"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": []}], "extra": 1})j",
       "extra: unknown key"},
      {R"j({"launch": []})j", "needs at least one kernel launch"},
      {R"j({"launch": [{"kernel": "k", "grid": [], "block": [32], "args": []}]})j",
       "launch[0].grid: expected 1 to 3 dimensions"},
      {R"j({"launch": [{"kernel": "k", "grid": ["N-512"], "block": [32], "args": []}]})j",
       "launch[0].grid[0]: evaluates to 0, must be positive"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [2048], "args": []}]})j",
       "launch[0].block[0]: evaluates to 2048, above the device's limit of 1024"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32, 32, 2], "args": []}]})j",
       "2048 threads per block"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "smem": "300000", "args": []}]})j",
       "above the device's limit of 232448"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["M*N*K*M*N"]}]})j",
       "does not fit an int; write \"i64:"},
      {R"j({"launch": [{"kernel": "k(", "grid": [1], "block": [32], "args": []}]})j",
       "not a C identifier"},
      {R"j({"launch": [{"kernel": "k", "grid": ["cdiv(N,"], "block": [32], "args": []}]})j",
       "launch[0].grid[0]: expression"},
      {R"j({"launch": [{"kernel": "k", "grid": [3], "block": [32], "cluster": [2], "args": []}]})j",
       "not a multiple of the cluster dimension"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": []}],
           "workspace": [{"name": "C", "bytes": 4}]})j",
       "already a name of the task"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": []}],
           "tunables": {"BM": []}})j",
       "non-empty array"},
      {R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": []}] )j",
       "invalid JSON"},
  };
  for (const auto& c : cases) {
    std::string msg = ErrorOf(c.block);
    EXPECT_NE(msg.find("cand.cu: launch block"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos)
        << "expected '" << c.expected << "' in: " << msg;
  }
}

TEST(LaunchBlockTest, MissingOrDuplicatedBlockIsAnError) {
  EXPECT_THROW(ParseLaunchBlock("__global__ void k() {}", "c.cu"), ConfigError);
  EXPECT_THROW(ParseLaunchBlock("/*@kopt {} ", "c.cu"), ConfigError);
  std::string twice = Source(kGood) + Source(kGood);
  EXPECT_THROW(ParseLaunchBlock(twice, "c.cu"), ConfigError);
}

TEST(LaunchBlockTest, RaggedCheckSizeIsValidatedToo) {
  // cdiv keeps the grid positive on the 100x33x7 check size; plain division does not.
  std::string msg =
      ErrorOf(R"j({"launch": [{"kernel": "k", "grid": ["N/64"], "block": [64], "args": []}]})j");
  EXPECT_NE(msg.find("evaluates to 0"), std::string::npos) << msg;
}

TEST(LaunchBlockTest, TunableOverridesAreChecked) {
  LaunchBlock block = ParseLaunchBlock(Source(kGood), "c.cu");
  EXPECT_THROW(ChooseTunables(block, {{"BK", 8}}), ConfigError);
  EXPECT_THROW(ChooseTunables(block, {{"BM", 96}}), ConfigError);
}

TEST(LaunchBlockTest, DeviceLimitsApplyAtResolution) {
  Task task = GemmTask();
  LaunchBlock block = ParseLaunchBlock(
      Source(
          R"j({"launch": [{"kernel": "k", "grid": [1], "block": [512], "smem": 100000, "args": []}]})j"),
      "c.cu");
  DeviceLimits small;
  small.max_threads_per_block = 256;
  EXPECT_THROW(ResolveLaunchBlock(block, task, task.symbols, {}, small), ConfigError);
  small = DeviceLimits{};
  small.max_smem_per_block = 49152;
  EXPECT_THROW(ResolveLaunchBlock(block, task, task.symbols, {}, small), ConfigError);
}

// An LLM that writes a key twice meant one of them; kopt does not guess which.
TEST(LaunchBlockTest, ARepeatedKeyIsAnError) {
  std::string msg = ErrorOf(
      R"j({"launch": [{"kernel": "k", "grid": [1], "block": [64], "grid": [2], "args": []}]})j");
  EXPECT_NE(msg.find("cand.cu: launch block: the key \"grid\" appears twice in one object"),
            std::string::npos)
      << msg;
}

// `kopt compile --arch` checks a block against that architecture's limits, without its GPU.
TEST(LaunchBlockTest, AnArchitecturesLimitsApplyWithoutItsGpu) {
  EXPECT_EQ(LimitsOfArch("sm_90a").max_smem_per_block, 232448);
  EXPECT_EQ(LimitsOfArch("sm_80").max_smem_per_block, 166912);
  EXPECT_EQ(LimitsOfArch("sm_86").max_smem_per_block, 101376);
  EXPECT_TRUE(LimitsOfArch("sm_90a").clusters);
  EXPECT_FALSE(LimitsOfArch("sm_89").clusters);
  EXPECT_THROW(LimitsOfArch("compute_90"), ConfigError);
  Task task = GemmTask();
  LaunchBlock big_smem = ParseLaunchBlock(
      Source(R"j({"launch": [{"kernel": "k", "grid": [1], "block": [64], "smem": 150000,
                 "args": []}]})j"),
      "c.cu");
  EXPECT_NO_THROW(ValidateLaunchBlock(big_smem, task, {}, "c.cu", LimitsOfArch("sm_90a")));
  EXPECT_NO_THROW(ValidateLaunchBlock(big_smem, task, {}, "c.cu", LimitsOfArch("sm_80")));
  EXPECT_THROW(ValidateLaunchBlock(big_smem, task, {}, "c.cu", LimitsOfArch("sm_86")), ConfigError);
  LaunchBlock cluster = ParseLaunchBlock(
      Source(R"j({"launch": [{"kernel": "k", "grid": [2], "block": [64], "cluster": [2],
                 "args": []}]})j"),
      "c.cu");
  EXPECT_NO_THROW(ValidateLaunchBlock(cluster, task, {}, "c.cu", LimitsOfArch("sm_90a")));
  try {
    ValidateLaunchBlock(cluster, task, {}, "c.cu", LimitsOfArch("sm_80"));
    ADD_FAILURE() << "a cluster on sm_80";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no thread-block clusters"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kopt
