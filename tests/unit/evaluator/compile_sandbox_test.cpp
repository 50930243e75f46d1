// SPDX-License-Identifier: Apache-2.0
// A candidate must not read the host through the compiler: every way of naming a file in an
// #include, with a secret in the environment and in a file, through the real sandboxed compile
// server (no GPU needed). The secret must appear in no log, and a file's existence must not
// change what the compiler says.
#include "evaluator/compile_sandbox.h"

#include "evaluator/compile_server.h"
#include "evaluator/nvrtc_compiler.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

std::string RandomCanary() {
  std::random_device rd;
  return "kopt-canary-" + std::to_string(rd()) + std::to_string(rd());
}

class CompileSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    canary_ = RandomCanary();
    ::setenv("OPENAI_API_KEY", canary_.c_str(), 1);
    ::setenv("KOPT_LEAK_CANARY", canary_.c_str(), 1);
    dir_ = fs::temp_directory_path() / ("kopt_sandbox_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    secret_file_ = dir_ / "secret.h";
    std::ofstream(secret_file_) << "OPENAI_API_KEY=" << canary_ << "\n";
  }
  void TearDown() override {
    ::unsetenv("OPENAI_API_KEY");
    ::unsetenv("KOPT_LEAK_CANARY");
    fs::remove_all(dir_);
  }

  CompileOutput Compile(const NvrtcCompiler& compiler, const std::string& source) {
    return compiler.Compile(
        {source + "\nextern \"C\" __global__ void k(float* y) { y[0] = 1; }\n", "attack.cu"});
  }

  std::string canary_;
  fs::path dir_, secret_file_;
};

// Each way an LLM might name a file the compiler should not open.
std::vector<std::string> Attacks(const std::string& secret_file) {
  return {
      "#include \"/proc/self/environ\"",
      "#include \"/proc/" + std::to_string(::getpid()) + "/environ\"",
      "#include \"" + secret_file + "\"",
      "#include <" + secret_file + ">",
      "#include \"../../../../../../../../" + secret_file + "\"",
      "#define FILE_OF(x) #x\n#include FILE_OF(" + secret_file + ")",
      "%:include \"" + secret_file + "\"",
      "# /**/ include \"" + secret_file + "\"",
      "#inc\\\nlude \"" + secret_file + "\"",
      "#include \"/usr/local/cuda/include/../../../../" + secret_file + "\"",
  };
}

TEST_F(CompileSandboxTest, NoIncludeReadsTheHostThroughTheSandboxedCompiler) {
  NvrtcCompiler compiler("", KOPT_BINARY);
  for (const auto& attack : Attacks(secret_file_.string())) {
    CompileOutput out = Compile(compiler, attack);
    EXPECT_FALSE(out.ok) << attack;
    EXPECT_EQ(out.info.log.find(canary_), std::string::npos) << attack << "\n" << out.info.log;
    EXPECT_EQ(out.info.log.find("SHELL="), std::string::npos) << attack << "\n" << out.info.log;
  }
}

TEST_F(CompileSandboxTest, TheLogRuleAloneKeepsFilesOutWithoutASandbox) {
  // The fallback where the kernel has no Landlock: the compile runs here, unconfined, and
  // only the log rule stands between a file and the log.
  NvrtcCompiler compiler("", /*sandbox_binary=*/"");
  for (const auto& attack : Attacks(secret_file_.string())) {
    CompileOutput out = Compile(compiler, attack);
    EXPECT_FALSE(out.ok) << attack;
    EXPECT_EQ(out.info.log.find(canary_), std::string::npos) << attack << "\n" << out.info.log;
  }
}

TEST_F(CompileSandboxTest, AFileThatExistsLooksLikeOneThatDoesNot) {
  if (ProbeCompileSandbox().landlock_abi == 0) GTEST_SKIP() << "no Landlock on this kernel";
  NvrtcCompiler compiler("", KOPT_BINARY);
  auto probe = [&](const fs::path& file) {
    CompileOutput out = Compile(compiler, "#if __has_include(\"" + file.string() +
                                              "\")\n#error FOUND\n#endif\n"
                                              "#include \"" +
                                              file.string() + "\"");
    std::string log = out.info.log;
    for (auto at = log.find(file.string()); at != std::string::npos; at = log.find(file.string())) {
      log.replace(at, file.string().size(), "FILE");
    }
    return log;
  };
  std::string existing = probe(secret_file_);
  EXPECT_EQ(existing.find("FOUND"), std::string::npos) << existing;
  EXPECT_EQ(existing, probe(dir_ / "nosuch.h"));  // a name as long as "secret.h"
}

TEST_F(CompileSandboxTest, CudaHeadersStillCompileInTheSandbox) {
  NvrtcCompiler compiler("", KOPT_BINARY);
  CompileOutput out = compiler.Compile(
      {"#include <cuda_fp16.h>\n#include <cuda_bf16.h>\n#include <cub/block/block_reduce.cuh>\n"
       "#include <cuda/std/cstdint>\n#include <mma.h>\n"
       "extern \"C\" __global__ void k(__half* x) { x[0] = __float2half(1.f); }",
       "headers.cu"});
  EXPECT_TRUE(out.ok) << out.info.log;
  if (ProbeCompileSandbox().landlock_abi > 0) {
    EXPECT_TRUE(compiler.sandbox().confined) << compiler.sandbox().how;
  }
}

TEST_F(CompileSandboxTest, ACompileOverTheDeadlineFailsAndTheNextGetsAFreshServer) {
  CompileServers servers(KOPT_BINARY, {CudaIncludeDir()}, /*timeout_s=*/0.3);
  std::vector<std::string> options = {"--gpu-architecture=sm_90a", "-default-device",
                                      "-I" + CudaIncludeDir(), "-I" + CudaIncludeDir() + "/cccl"};
  // CUB and cooperative groups take over a second to compile.
  RawCompile slow = servers.Compile(
      "#include <cub/cub.cuh>\n#include <cooperative_groups.h>\n__global__ void k() {}", "slow.cu",
      options);
  EXPECT_FALSE(slow.ok);
  EXPECT_NE(slow.log.find("did not finish"), std::string::npos) << slow.log;
  RawCompile quick = servers.Compile("__global__ void k() {}", "quick.cu", options);
  EXPECT_TRUE(quick.ok) << quick.log;
}

TEST_F(CompileSandboxTest, TheServerStartsWithAnEmptyEnvironment) {
  // The sandbox is the first wall; an environment without the keys is the second.
  CompileServers servers(KOPT_BINARY, {"/proc/self"});  // a server allowed to read its environ
  RawCompile raw =
      servers.Compile("#include \"/proc/self/environ\"\n", "env.cu", {"--gpu-architecture=sm_90a"});
  EXPECT_EQ(raw.log.find(canary_), std::string::npos) << raw.log;
  EXPECT_EQ(raw.log.find("OPENAI_API_KEY"), std::string::npos) << raw.log;
}

TEST(ConfineCompileLogTest, WithholdsALogThatQuotesAForeignFile) {
  std::string log =
      "/proc/self/environ(1): error: this declaration has no storage class or type specifier\n"
      "  OPENAI_API_KEY=sk-123 SHELL=/bin/bash\n  ^\n\n1 error detected in \"c.cu\".\n";
  std::string out = ConfineCompileLog(log, {"c.cu"}, {"/usr/local/cuda/include"});
  EXPECT_EQ(out.find("sk-123"), std::string::npos) << out;
  EXPECT_NE(out.find("/proc/self/environ"), std::string::npos) << out;
  EXPECT_NE(out.find("withheld"), std::string::npos) << out;
}

TEST(ConfineCompileLogTest, WithholdsRelativeAndDottedPathsOutsideTheHeaders) {
  for (const char* file :
       {"../../etc/passwd", "/usr/local/cuda/include/../../../etc/passwd", "secret.h"}) {
    std::string log = std::string(file) + "(1): error: expected a \";\"\n  root:x:0:0\n";
    std::string out = ConfineCompileLog(log, {"c.cu"}, {"/usr/local/cuda/include"});
    EXPECT_EQ(out.find("root:x"), std::string::npos) << file << ": " << out;
  }
}

TEST(ConfineCompileLogTest, KeepsDiagnosticsInTheSourceAndTheCudaHeaders) {
  std::string log =
      "c.cu(3): error: identifier \"x\" is undefined\n  y = x;\n      ^\n"
      "/usr/local/cuda/include/cuda_fp16.hpp(120): warning: something\n  int a;\n";
  EXPECT_EQ(ConfineCompileLog(log, {"c.cu"}, {"/usr/local/cuda/include"}), log);
}

TEST(ConfineCompileLogTest, ADeniedFileReadsLikeAMissingOne) {
  std::string denied =
      "c.cu(1): catastrophic error: cannot open source file \"/etc/passwd\": Permission denied\n";
  std::string missing = "c.cu(1): catastrophic error: cannot open source file \"/etc/passwd\"\n";
  EXPECT_EQ(ConfineCompileLog(denied, {"c.cu"}, {}), missing);
}

}  // namespace
}  // namespace kopt
