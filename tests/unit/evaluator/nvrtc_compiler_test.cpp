// SPDX-License-Identifier: Apache-2.0
// Real NVRTC compiles: no GPU is needed.
#include "evaluator/nvrtc_compiler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

const char* kKernel = R"(extern "C" __global__ void scale(float* x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= SCALE;
})";

class NvrtcCompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = fs::temp_directory_path() / ("kopt_nvrtc_test_" + std::to_string(::getpid()));
    fs::create_directories(cache_);
  }
  void TearDown() override { fs::remove_all(cache_); }
  fs::path cache_;
};

TEST_F(NvrtcCompilerTest, CompilesAndReportsResources) {
  NvrtcCompiler compiler(cache_.string(), KOPT_BINARY);
  CompileOutput out = compiler.Compile({kKernel, "scale.cu", "sm_90a", {"-DSCALE=2.0f"}});
  ASSERT_TRUE(out.ok) << out.info.log;
  EXPECT_GT(out.cubin.size(), 100u);
  ASSERT_EQ(out.info.kernels.size(), 1u);
  EXPECT_EQ(out.info.kernels[0].kernel, "scale");
  EXPECT_GT(out.info.kernels[0].registers, 0);
  EXPECT_FALSE(out.info.cache_hit);
}

TEST_F(NvrtcCompilerTest, SecondCompileComesFromTheCacheWithTheSameLog) {
  NvrtcCompiler compiler(cache_.string(), KOPT_BINARY);
  CompileOutput first = compiler.Compile({kKernel, "scale.cu", "sm_90a", {"-DSCALE=2.0f"}});
  CompileOutput second = compiler.Compile({kKernel, "scale.cu", "sm_90a", {"-DSCALE=2.0f"}});
  EXPECT_TRUE(second.info.cache_hit);
  EXPECT_EQ(second.cubin, first.cubin);
  EXPECT_EQ(second.info.log, first.info.log);
  EXPECT_EQ(second.info.kernels[0].registers, first.info.kernels[0].registers);
  CompileOutput other = compiler.Compile({kKernel, "scale.cu", "sm_90a", {"-DSCALE=3.0f"}});
  EXPECT_FALSE(other.info.cache_hit);
  EXPECT_NE(other.cache_key, first.cache_key);
}

TEST_F(NvrtcCompilerTest, CompileErrorIsAResultWithTheLog) {
  NvrtcCompiler compiler(cache_.string(), KOPT_BINARY);
  CompileOutput out =
      compiler.Compile({"extern \"C\" __global__ void k() { int x = ; }", "bad.cu"});
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.info.log.find("bad.cu"), std::string::npos) << out.info.log;
  EXPECT_NE(out.info.log.find("error"), std::string::npos);
}

TEST_F(NvrtcCompilerTest, CudaHeadersAreFound) {
  NvrtcCompiler compiler("", KOPT_BINARY);
  CompileOutput out = compiler.Compile(
      {"#include <cuda_bf16.h>\n#include <cub/block/block_reduce.cuh>\n"
       "extern \"C\" __global__ void k(__nv_bfloat16* x) { x[0] = __float2bfloat16(1.f); }",
       "headers.cu"});
  EXPECT_TRUE(out.ok) << out.info.log;
}

TEST(PtxasLogTest, ParsesEveryEntryFunction) {
  std::string log =
      "ptxas info    : Compiling entry function 'a' for 'sm_90a'\n"
      "ptxas info    : Function properties for a\n"
      "    16 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads\n"
      "ptxas info    : Used 40 registers, used 1 barriers, 8192 bytes smem, 400 bytes cmem[0]\n"
      "ptxas info    : Compiling entry function 'b' for 'sm_90a'\n"
      "ptxas info    : Function properties for b\n"
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
      "ptxas info    : Used 12 registers, used 0 barriers\n";
  auto kernels = ParsePtxasLog(log);
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_EQ(kernels[0].kernel, "a");
  EXPECT_EQ(kernels[0].registers, 40);
  EXPECT_EQ(kernels[0].spill_store_bytes, 8);
  EXPECT_EQ(kernels[0].spill_load_bytes, 4);
  EXPECT_EQ(kernels[0].local_bytes, 16);
  EXPECT_EQ(kernels[0].static_smem_bytes, 8192);
  EXPECT_EQ(kernels[1].registers, 12);
  EXPECT_EQ(kernels[1].static_smem_bytes, 0);
}

TEST(ArchTest, PicksArchSpecificTargets) {
  EXPECT_EQ(ArchForComputeCapability(9, 0), "sm_90a");
  EXPECT_EQ(ArchForComputeCapability(8, 9), "sm_89");
  EXPECT_EQ(ArchForComputeCapability(10, 0), "sm_100a");
}

}  // namespace
}  // namespace kopt
