// SPDX-License-Identifier: Apache-2.0
// The launch block's arguments against the kernel's real parameters, checked by NVRTC (no GPU):
// a pointer is told from a 64-bit integer, an int from a long long, a float from an int.
#include "evaluator/signature_check.h"

#include "evaluator/nvrtc_compiler.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

LaunchArg Arg(LaunchArg::Kind kind, const std::string& name, DType dtype = DType::kF32) {
  LaunchArg a;
  a.kind = kind;
  a.name = name;
  a.scalar_dtype = dtype;
  return a;
}

// k(X, Y, N, i64:M, alpha): a tensor, a workspace, an int, a long long and an f32 scalar.
LaunchPlan Plan() {
  ResolvedLaunch l;
  l.kernel = "k";
  l.args = {Arg(LaunchArg::Kind::kTensor, "X"), Arg(LaunchArg::Kind::kWorkspace, "W"),
            Arg(LaunchArg::Kind::kInt32, "N"), Arg(LaunchArg::Kind::kInt64, "M"),
            Arg(LaunchArg::Kind::kScalar, "alpha")};
  LaunchPlan plan;
  plan.launches = {l};
  return plan;
}

CompileOutput Compile(const std::string& kernel) {
  static NvrtcCompiler compiler("", /*sandbox_binary=*/"");
  return compiler.Compile({kernel + SignatureCheckSource(Plan()), "cand.cu"});
}

TEST(SignatureCheckTest, AMatchingKernelCompiles) {
  CompileOutput out = Compile(
      "extern \"C\" __global__ void k(const float4* x, unsigned char* w, int n, long long m, "
      "float alpha) {}");
  EXPECT_TRUE(out.ok) << out.info.log;
}

TEST(SignatureCheckTest, ALongLongWhereAnIntIsPassedIsNamed) {
  CompileOutput out = Compile(
      "extern \"C\" __global__ void k(const float* x, char* w, long long n, long long m, "
      "float alpha) {}");
  ASSERT_FALSE(out.ok);
  auto mismatch = SignatureMismatch(out.info.log);
  ASSERT_TRUE(mismatch) << out.info.log;
  EXPECT_NE(mismatch->find("kernel 'k' (launch[0]): parameter 3 must be a 32-bit integer"),
            std::string::npos)
      << *mismatch;
  EXPECT_NE(mismatch->find("'N'"), std::string::npos) << *mismatch;
}

TEST(SignatureCheckTest, AnIntegerWhereAPointerIsPassedIsNamed) {
  CompileOutput out = Compile(
      "extern \"C\" __global__ void k(unsigned long long x, char* w, int n, long long m, "
      "float alpha) {}");
  auto mismatch = SignatureMismatch(out.info.log);
  ASSERT_TRUE(mismatch) << out.info.log;
  EXPECT_NE(mismatch->find("parameter 1 must be a pointer"), std::string::npos) << *mismatch;
}

TEST(SignatureCheckTest, APointerWhereALongLongIsPassedAndAnIntForAFloatAreBothNamed) {
  CompileOutput out = Compile(
      "extern \"C\" __global__ void k(const float* x, char* w, int n, float* m, int alpha) {}");
  auto mismatch = SignatureMismatch(out.info.log);
  ASSERT_TRUE(mismatch) << out.info.log;
  EXPECT_NE(mismatch->find("parameter 4 must be a 64-bit integer"), std::string::npos) << *mismatch;
  EXPECT_NE(mismatch->find("parameter 5 must be float"), std::string::npos) << *mismatch;
}

TEST(SignatureCheckTest, TooFewParametersIsNamed) {
  CompileOutput out = Compile("extern \"C\" __global__ void k(const float* x, char* w) {}");
  auto mismatch = SignatureMismatch(out.info.log);
  ASSERT_TRUE(mismatch) << out.info.log;
  EXPECT_NE(mismatch->find("different number of parameters than the 5"), std::string::npos)
      << *mismatch;
}

TEST(SignatureCheckTest, AKernelOfAnotherNameIsMissingNotMismatched) {
  CompileOutput out = Compile("extern \"C\" __global__ void other(const float* x) {}");
  auto mismatch = SignatureMismatch(out.info.log);
  ASSERT_TRUE(mismatch) << out.info.log;
  EXPECT_NE(mismatch->find("no kernel named 'k'"), std::string::npos) << *mismatch;
  EXPECT_EQ(mismatch->find("different number"), std::string::npos) << *mismatch;
}

TEST(SignatureCheckTest, TheCandidatesOwnErrorIsACompileErrorWithoutTheChecksNoise) {
  CompileOutput out = Compile("extern \"C\" __global__ void k(const float* x) { int y = ; }");
  ASSERT_FALSE(out.ok);
  EXPECT_FALSE(SignatureMismatch(out.info.log).has_value()) << out.info.log;
  std::string log = WithoutSignatureDiagnostics(out.info.log);
  EXPECT_NE(log.find("cand.cu"), std::string::npos) << log;
  EXPECT_EQ(log.find(kSignatureCheckFile), std::string::npos) << log;
}

}  // namespace
}  // namespace kopt

namespace kopt {
namespace {

// A kernel declared without extern "C" compiles (the checks find a function of that name) but
// the module exports it mangled: the entry list says so before any GPU work, naming the fix.
TEST(MissingKernelTest, AKernelWithoutExternCIsNamedWithItsMangledEntry) {
  LaunchBlock block;
  block.variants.emplace_back();
  block.variants[0].launches.push_back({});
  block.variants[0].launches[0].kernel = "copy";
  CompileOutput mangled = Compile(
      "__global__ void k(const float4* x, unsigned char* w, int n, "
      "long long m, float alpha) {}\n"
      "__global__ void copy(const float* x, float* y, int n) {}");
  ASSERT_TRUE(mangled.ok) << mangled.info.log;
  std::optional<std::string> missing = MissingKernel(block, mangled.info.kernels);
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find("no kernel named 'copy'"), std::string::npos) << *missing;
  EXPECT_NE(missing->find("compiled as '_Z4copyPKfPfi'"), std::string::npos) << *missing;
  EXPECT_NE(missing->find("extern \"C\""), std::string::npos) << *missing;

  CompileOutput plain = Compile(
      "extern \"C\" __global__ void copy(const float* x, float* y, int n) {}\n"
      "extern \"C\" __global__ void k(const float4* x, unsigned char* w, int n, long long m, "
      "float alpha) {}");
  ASSERT_TRUE(plain.ok) << plain.info.log;
  EXPECT_FALSE(MissingKernel(block, plain.info.kernels));
  block.variants[0].launches[0].kernel = "absent";
  std::optional<std::string> absent = MissingKernel(block, plain.info.kernels);
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->find("compiled as"), std::string::npos) << *absent;
  EXPECT_FALSE(MissingKernel(block, {}));  // no entry list: nothing to judge by
}

// A tensor map is a CUtensorMap passed by value (from kopt's own header, served by name); a
// pointer to one, or a pointer to anything, is named. The check runs per variant and says which.
TEST(SignatureCheckTest, ATensorMapMustBeACUtensorMapByValueInEveryVariant) {
  LaunchBlock block;
  block.has_variants = true;
  LaunchPlan tma;
  tma.variant = 0;
  ResolvedLaunch l;
  l.kernel = "load";
  l.args = {Arg(LaunchArg::Kind::kTensorMap, "x_map"), Arg(LaunchArg::Kind::kTensor, "Y")};
  tma.launches = {l};
  LaunchPlan plain = Plan();
  plain.variant = 1;
  std::string checks = SignatureCheckSource({tma, plain}, block);
  static NvrtcCompiler compiler("", /*sandbox_binary=*/"");
  const std::string plain_kernel =
      "extern \"C\" __global__ void k(const float4* x, unsigned char* w, int n, long long m, "
      "float alpha) {}\n";
  CompileOutput good = compiler.Compile(
      {"#include <kopt/tma.h>\n"
       "extern \"C\" __global__ void load(const __grid_constant__ CUtensorMap x_map, float* y) {\n"
       "  kopt_tma_prefetch(&x_map);\n}\n" +
           plain_kernel + checks,
       "cand.cu", "sm_90a"});
  EXPECT_TRUE(good.ok) << good.info.log;

  CompileOutput pointer = compiler.Compile(
      {"#include <kopt/tma.h>\n"
       "extern \"C\" __global__ void load(const CUtensorMap* x_map, float* y) {}\n" +
           plain_kernel + checks,
       "cand.cu", "sm_90a"});
  auto mismatch = SignatureMismatch(pointer.info.log);
  ASSERT_TRUE(mismatch) << pointer.info.log;
  EXPECT_NE(mismatch->find("kernel 'load' (variants[0].launch[0]): parameter 1 must be a "
                           "CUtensorMap passed by value"),
            std::string::npos)
      << *mismatch;

  CompileOutput wrong_plain = compiler.Compile(
      {"#include <kopt/tma.h>\n"
       "extern \"C\" __global__ void load(const __grid_constant__ CUtensorMap x_map, float* y) "
       "{}\n"
       "extern \"C\" __global__ void k(const float* x, char* w, long long n, long long m, "
       "float alpha) {}\n" +
           checks,
       "cand.cu", "sm_90a"});
  mismatch = SignatureMismatch(wrong_plain.info.log);
  ASSERT_TRUE(mismatch) << wrong_plain.info.log;
  EXPECT_NE(mismatch->find("kernel 'k' (variants[1].launch[0]): parameter 3"), std::string::npos)
      << *mismatch;
}

// The header is kopt's, served from memory: a candidate's misuse of it is reported against the
// header's name, not withheld as a file outside the CUDA tree, and the digest keys the cache.
TEST(SignatureCheckTest, KoptsDeviceHeaderDiagnosticsAreShown) {
  static NvrtcCompiler compiler("", /*sandbox_binary=*/"");
  CompileOutput out =
      compiler.Compile({"#define kopt_smem_addr 1\n#include <kopt/tma.h>\n", "cand.cu", "sm_90a"});
  ASSERT_FALSE(out.ok);
  EXPECT_NE(out.info.log.find("kopt/tma.h"), std::string::npos) << out.info.log;
  EXPECT_EQ(out.info.log.find("withheld"), std::string::npos) << out.info.log;
}

}  // namespace
}  // namespace kopt
