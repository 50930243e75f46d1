// SPDX-License-Identifier: Apache-2.0
// Launch variants ("when") and tensor maps in launch blocks: parsing, the variant chosen at each
// size, tensor maps derived from task tensors and workspace, and the errors an LLM gets.
#include "core/launch_block.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

// gemm_bf16_4096's sizes: only the main size has 16-byte aligned rows.
Task Bf16Gemm() {
  return ParseTask(R"j({
    "schema_version": 1, "name": "gemm", "description": "C = A @ B", "op_class": "gemm",
    "symbols": {"M": 4096, "N": 4096, "K": 4096},
    "check_symbols": [{"M": 333, "N": 517, "K": 1001}, {"M": 1, "N": 129, "K": 4096}],
    "tensors": [
      {"name": "A", "dtype": "bf16", "shape": ["M", "K"], "role": "input"},
      {"name": "B", "dtype": "bf16", "shape": ["K", "N"], "role": "input"},
      {"name": "C", "dtype": "bf16", "shape": ["M", "N"], "role": "output"}],
    "tolerance": {"rtol": 1e-2, "atol": 1e-2}, "flops": "2*M*N*K", "bytes": "2*(M*K+K*N+M*N)"})j",
                   "gemm/task.json");
}

std::string Source(const std::string& block) { return "/*@kopt\n" + block + "\n@kopt*/\n"; }

const char* kTmaWithFallback = R"j({"variants": [
  {"when": "K % 8 == 0 && N % 8 == 0",
   "tensor_maps": [
     {"name": "mapA", "tensor": "A", "box": ["BM", 64], "swizzle": "128B", "l2_promotion": "256B"},
     {"name": "mapB", "tensor": "B", "box": [64, "BN"], "swizzle": "128B"},
     {"name": "mapP", "tensor": "part", "dtype": "f32", "shape": ["M", "N"], "box": [8, 4]}],
   "workspace": [{"name": "part", "bytes": "4*M*N"}],
   "launch": [{"kernel": "gemm_tma", "grid": ["cdiv(N,BN)", "cdiv(M,BM)"], "block": [384],
               "cluster": [2, 1], "smem": 200000,
               "args": ["mapA", "mapB", "mapP", "C", "M", "N", "K"]}]},
  {"launch": [{"kernel": "gemm_plain", "grid": ["cdiv(N,64)", "cdiv(M,64)"], "block": [256],
               "args": ["A", "B", "C", "M", "N", "K"]}]}],
 "tunables": {"BM": [128, 64], "BN": [64]}})j";

TEST(LaunchVariantsTest, TheFirstVariantWhoseWhenHoldsRuns) {
  Task task = Bf16Gemm();
  LaunchBlock block = ParseLaunchBlock(Source(kTmaWithFallback), "cand.cu");
  ASSERT_TRUE(block.has_variants);
  ASSERT_EQ(block.variants.size(), 2u);
  TunableChoice choice = ChooseTunables(block, {});
  ValidateLaunchBlock(block, task, choice, "cand.cu");

  LaunchPlan main = ResolveLaunchBlock(block, task, task.symbols, choice, DeviceLimits{});
  EXPECT_EQ(main.variant, 0u);
  ASSERT_EQ(main.launches.size(), 1u);
  EXPECT_EQ(main.launches[0].kernel, "gemm_tma");
  EXPECT_EQ(main.launches[0].args[0].kind, LaunchArg::Kind::kTensorMap);
  EXPECT_EQ(main.launches[0].args[3].kind, LaunchArg::Kind::kTensor);
  ASSERT_EQ(main.tensor_maps.size(), 3u);
  const ResolvedTensorMap& a = main.tensor_maps[0];
  EXPECT_EQ(a.buffer, "A");
  EXPECT_EQ(a.params.dtype, DType::kBF16);
  EXPECT_EQ(a.params.global_dim[0], 4096u);
  EXPECT_EQ(a.params.global_stride_bytes[0], 4096u * 2);
  EXPECT_EQ(a.params.box[0], 64u);  // the box's inner dimension, K
  EXPECT_EQ(a.params.box[1], 128u);
  EXPECT_EQ(a.params.swizzle, TmaSwizzle::k128B);
  EXPECT_EQ(a.params.l2_promotion, TmaL2Promotion::k256B);
  const ResolvedTensorMap& p = main.tensor_maps[2];
  EXPECT_EQ(p.buffer, "part");
  EXPECT_EQ(p.params.dtype, DType::kF32);
  EXPECT_EQ(p.params.global_stride_bytes[0], 4096u * 4);

  for (const SymbolTable& size : task.check_symbols) {
    LaunchPlan fallback = ResolveLaunchBlock(block, task, size, choice, DeviceLimits{});
    EXPECT_EQ(fallback.variant, 1u);
    EXPECT_EQ(fallback.launches[0].kernel, "gemm_plain");
    EXPECT_TRUE(fallback.tensor_maps.empty());
    EXPECT_TRUE(fallback.workspace_bytes.empty());
  }
  EXPECT_EQ(VariantText(block, 0), "variant 0 of 2 (K % 8 == 0 && N % 8 == 0)");
  EXPECT_EQ(VariantText(block, 1), "variant 1 of 2 (otherwise)");

  std::vector<LaunchPlan> per_variant = PlanPerVariant(block, task, choice, DeviceLimits{});
  ASSERT_EQ(per_variant.size(), 2u);
  EXPECT_EQ(per_variant[0].launches[0].kernel, "gemm_tma");
  EXPECT_EQ(per_variant[1].launches[0].kernel, "gemm_plain");
}

TEST(LaunchVariantsTest, TheJsonFormRoundTrips) {
  LaunchBlock block = ParseLaunchBlock(Source(kTmaWithFallback), "cand.cu");
  nlohmann::json j = LaunchBlockToJson(block);
  LaunchBlock again = ParseLaunchBlock(Source(j.dump()), "again.cu");
  EXPECT_EQ(LaunchBlockToJson(again), j);
  EXPECT_EQ(j["variants"][0]["tensor_maps"][1]["swizzle"], "128B");
  EXPECT_EQ(j["variants"][0]["tensor_maps"][1]["oob_fill"], "zero");
  EXPECT_FALSE(j["variants"][1].contains("when"));
}

std::string ErrorOf(const std::string& block_json) {
  try {
    Task task = Bf16Gemm();
    LaunchBlock block = ParseLaunchBlock(Source(block_json), "cand.cu");
    ValidateLaunchBlock(block, task, ChooseTunables(block, {}), "cand.cu");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an error for " << block_json;
  return "";
}

const char* kPlain =
    R"j({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["A"]}]})j";

std::string Variants(const std::string& first, const std::string& last = kPlain) {
  return R"({"variants": [)" + first + ", " + last + "]}";
}

TEST(LaunchVariantsTest, BadVariantsAndMapsGiveErrorsNamingTheField) {
  struct Case {
    std::string block;
    const char* expected;
  };
  const std::string map_launch =
      R"("launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["m"]}])";
  auto map = [&](const std::string& fields) {
    return R"({"when": "K % 8 == 0 && N % 8 == 0", "tensor_maps": [{"name": "m", )" + fields +
           "}], " + map_launch + "}";
  };
  std::vector<Case> cases = {
      // Without a variant, a TMA map of A fails at the check sizes with unaligned rows.
      {R"({"tensor_maps": [{"name": "m", "tensor": "A", "box": [64, 64]}], )" + map_launch + "}",
       "launch block.tensor_maps[0]: tensor map 'm' of A: the stride of dimension 0 (M) is 2002 "
       "bytes"},
      {R"({"tensor_maps": [{"name": "m", "tensor": "A", "box": [64, 64]}], )" + map_launch + "}",
       "(at size K=1001 M=333 N=517)"},
      {Variants(map(R"("tensor": "A", "box": [64, 100], "swizzle": "128B")")),
       "variants[0].tensor_maps[0]: tensor map 'm' of A: box[1] (the innermost) is 100 elements"},
      {Variants(map(R"("tensor": "A", "box": [64, 128], "swizzle": "128B")")),
       "more than the 128-byte span of swizzle \"128B\""},
      {Variants(map(R"("tensor": "A", "box": [300, 64])")), "box[0] is 300"},
      {Variants(map(R"("tensor": "A", "box": [64])")), "variants[0].tensor_maps[0].box: has 1"},
      {Variants(map(R"("tensor": "A", "box": [64, 64], "swizzle": "96B")")),
       "variants[0].tensor_maps[0].swizzle: '96B' is not one of"},
      {Variants(map(R"("tensor": "A", "box": [64, 64], "dtype": "f32", "shape": ["M", "K"])")),
       "'A' is a task tensor: kopt takes its dtype and shape from the task"},
      {Variants(map(R"("tensor": "Q", "box": [64, 64])")),
       "variants[0].tensor_maps[0].tensor: 'Q' is neither a tensor of the task nor a workspace"},
      {Variants(map(R"("tensor": "A", "box": [64, 64], "stride": [2])")), "stride"},
      {Variants(map(R"("tensor": "A", "box": [64, "BX"])")), "unknown name 'BX'"},
      {R"({"variants": [)" + std::string(kPlain) + "]}", ""},  // one unconditional variant is fine
      {R"({"variants": [)" + std::string(kPlain) + ", " + kPlain + "]}",
       "variants[0]: needs a \"when\""},
      {R"({"variants": [{"when": "1", )" + std::string(kPlain).substr(1) + "]}",
       "variants[0].when: the last variant must have no \"when\""},
      {R"({"variants": [{"when": "K <", )" + std::string(kPlain).substr(1) + ", " + kPlain + "]}",
       "variants[0].when: expression \"K <\""},
      {R"({"variants": [], "tunables": {}})", "variants: needs at least one variant"},
      {R"({"variants": [)" + std::string(kPlain) + "], " + std::string(kPlain).substr(1),
       "a block with \"variants\" has its launches"},
      // Chosen at no size of the task: no check would run it.
      {Variants(R"({"when": "K == 77", )" + std::string(kPlain).substr(1)),
       "variants[0]: is chosen at none of the task's sizes"},
      // A map's name is its variant's: two maps of one name, or a map named like a tensor.
      {Variants(
           R"({"when": "K == 4096", "tensor_maps": [{"name": "C", "tensor": "A", "box": [8, 8]}], )" +
           map_launch + "}"),
       "variants[0].tensor_maps[0].name: 'C' is already a name"},
  };
  for (const auto& c : cases) {
    if (std::string(c.expected).empty()) {
      Task task = Bf16Gemm();
      LaunchBlock block = ParseLaunchBlock(Source(c.block), "cand.cu");
      EXPECT_NO_THROW(ValidateLaunchBlock(block, task, {}, "cand.cu")) << c.block;
      continue;
    }
    std::string error = ErrorOf(c.block);
    EXPECT_NE(error.find(c.expected), std::string::npos)
        << "block: " << c.block << "\nerror: " << error;
  }
}

TEST(LaunchVariantsTest, AWorkspaceMapMustFitItsBuffer) {
  std::string block = R"({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["m"]}],
    "workspace": [{"name": "w", "bytes": "M*N"}],
    "tensor_maps": [{"name": "m", "tensor": "w", "dtype": "f32", "shape": ["M", "N"],
                     "box": [8, 8]}]})";
  EXPECT_NE(ErrorOf(block).find("tensor_maps[0].shape: covers"), std::string::npos)
      << ErrorOf(block);
  std::string no_shape = R"({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["m"]}],
    "workspace": [{"name": "w", "bytes": "4*M*N"}],
    "tensor_maps": [{"name": "m", "tensor": "w", "box": [8, 8]}]})";
  EXPECT_NE(ErrorOf(no_shape).find("needs \"dtype\" and \"shape\""), std::string::npos);
}

TEST(LaunchVariantsTest, WhenMayUseTunables) {
  Task task = Bf16Gemm();
  LaunchBlock block = ParseLaunchBlock(Source(R"({"variants": [
        {"when": "SPLIT > 1 && K >= 4096", "launch": [{"kernel": "split", "grid": ["SPLIT"],
          "block": [32], "args": ["A"]}]},
        {"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": ["A"]}]}],
        "tunables": {"SPLIT": [4, 1]}})"),
                                       "cand.cu");
  EXPECT_EQ(ResolveLaunchBlock(block, task, task.symbols, {{"SPLIT", 4}}, DeviceLimits{}).variant,
            0u);
  EXPECT_EQ(ResolveLaunchBlock(block, task, task.symbols, {{"SPLIT", 1}}, DeviceLimits{}).variant,
            1u);
  // With SPLIT=1 the first variant runs at no size: that choice is refused, the other passes.
  EXPECT_NO_THROW(ValidateLaunchBlock(block, task, {{"SPLIT", 4}}, "cand.cu"));
  EXPECT_THROW(ValidateLaunchBlock(block, task, {{"SPLIT", 1}}, "cand.cu"), ConfigError);
}

}  // namespace
}  // namespace kopt
