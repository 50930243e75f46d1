// SPDX-License-Identifier: Apache-2.0
// The PyTorch runner end to end with the real python3 and a stand-in torch
// (tests/data/fake_torch): the protocol, the files, errors, deadlines and the environment.
#include "evaluator/torch_runner.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "core/secrets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>

namespace kopt {
namespace {

const std::string kFakeTorch = std::string(KOPT_SOURCE_DIR) + "/tests/data/fake_torch";

HostTensor Tensor(const std::string& name, DType dtype, std::vector<std::int64_t> shape,
                  std::string bytes = "") {
  HostTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes = std::move(bytes);
  return t;
}

// X: i32[4] holding 1, 2, 3, 4 (little-endian).
const std::string kXBytes("\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04\0\0\0", 16);

std::vector<HostTensor> Inputs() { return {Tensor("X", DType::kI32, {4}, kXBytes)}; }
std::vector<HostTensor> Outputs(DType dtype = DType::kI32,
                                std::vector<std::int64_t> shape = {2, 2}) {
  return {Tensor("Y", dtype, std::move(shape))};
}

SampleConfig Config(double noise_target, int min_samples, int max_samples) {
  SampleConfig config;
  config.noise_target = noise_target;
  config.min_samples = min_samples;
  config.max_samples = max_samples;
  config.max_timing_s = 1;
  return config;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Each test sets the environment the runner inherits (the fake torch on PYTHONPATH, no .pyc
// files written into the source tree) and puts back what was there.
class TorchRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = FindPython("");
    if (python_.empty()) GTEST_SKIP() << "no python3 on PATH";
    Set("PYTHONPATH", kFakeTorch);
    Set("PYTHONDONTWRITEBYTECODE", "1");
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  void Set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  TorchRunnerOptions Options() const {
    TorchRunnerOptions options;
    options.python = python_;
    options.start_timeout_s = 30;
    return options;
  }

  std::string python_;
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(TorchRunnerTest, GreetingCarriesTheVersions) {
  TorchRunner runner(Options());
  const TorchInfo& info = runner.info();
  ASSERT_TRUE(info.ok()) << info.error;
  EXPECT_EQ(info.python, python_);
  EXPECT_EQ(info.python_version.rfind("3.", 0), 0u) << info.python_version;
  EXPECT_EQ(info.torch_version, "0.0+fake");
  EXPECT_EQ(info.triton_version, "") << "the fake has no triton";
  EXPECT_EQ(info.device, "Fake GPU");
}

TEST_F(TorchRunnerTest, RunWritesTheExpressionsOutputs) {
  TorchRunner runner(Options());
  TorchRun run = runner.Run("X", {{"N", 4}}, Inputs(), Outputs());
  ASSERT_TRUE(run.ok()) << run.error;
  ASSERT_EQ(run.outputs.size(), 1u);
  EXPECT_EQ(run.outputs[0].name, "Y");
  EXPECT_EQ(run.outputs[0].role, TensorRole::kOutput);
  EXPECT_EQ(run.outputs[0].shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(run.outputs[0].bytes, kXBytes);

  // A function body: statements, the symbols as ints, a return.
  TorchRun body = runner.Run("if N != 4:\n    raise ValueError(N)\nY = X\nreturn (Y,)", {{"N", 4}},
                             Inputs(), Outputs());
  ASSERT_TRUE(body.ok()) << body.error;
  EXPECT_EQ(body.outputs[0].bytes, kXBytes);
}

TEST_F(TorchRunnerTest, TimeReturnsSamplesAndCompileTimeApart) {
  TorchRunner runner(Options());
  // A noise target no run meets: the sample cap ends it.
  TorchTiming compiled = runner.Time("X", TorchMode::kCompile, {{"N", 4}}, Inputs(), Outputs(),
                                     Config(0, 10, 40), 1 << 16);
  ASSERT_TRUE(compiled.ok()) << compiled.error;
  EXPECT_EQ(compiled.event_ms.n, 40u);
  ASSERT_TRUE(compiled.compile_ms.has_value());
  EXPECT_GE(*compiled.compile_ms, 50) << "the fake's first compiled call sleeps 50 ms";
  EXPECT_LT(compiled.event_ms.max, 50) << "the compiling call is never a sample";
  EXPECT_GE(compiled.warmup_runs, 2);

  // Any noise is good enough: it stops at the first round past min_samples.
  TorchTiming eager = runner.Time("X", TorchMode::kEager, {{"N", 4}}, Inputs(), Outputs(),
                                  Config(1e9, 10, 10000), 0);
  ASSERT_TRUE(eager.ok()) << eager.error;
  EXPECT_GE(eager.event_ms.n, 10u);
  EXPECT_FALSE(eager.compile_ms.has_value());
}

TEST_F(TorchRunnerTest, ExpressionErrorIsReportedAndTheRunnerCarriesOn) {
  TorchRunner runner(Options());
  TorchRun failed = runner.Run("1/0", {}, Inputs(), Outputs());
  EXPECT_EQ(failed.failure, TorchFailure::kExpression);
  EXPECT_TRUE(Contains(failed.error, "ZeroDivisionError")) << failed.error;
  EXPECT_TRUE(Contains(failed.error, "line 1: 1/0")) << failed.error;
  TorchRun next = runner.Run("X", {}, Inputs(), Outputs());
  EXPECT_TRUE(next.ok()) << next.error;

  TorchRun syntax = runner.Run("X +", {}, Inputs(), Outputs());
  EXPECT_EQ(syntax.failure, TorchFailure::kExpression);
  EXPECT_TRUE(Contains(syntax.error, "SyntaxError")) << syntax.error;
}

TEST_F(TorchRunnerTest, ResultsThatDoNotMatchTheOutputsAreErrors) {
  TorchRunner runner(Options());
  TorchRun two = runner.Run("X, X", {}, Inputs(), Outputs());
  EXPECT_EQ(two.failure, TorchFailure::kExpression);
  EXPECT_TRUE(Contains(two.error, "returned 2 value(s); the task has 1 output(s): Y")) << two.error;

  TorchRun dtype = runner.Run("X", {}, Inputs(), Outputs(DType::kF32));
  EXPECT_EQ(dtype.failure, TorchFailure::kExpression);
  EXPECT_TRUE(Contains(dtype.error, "output Y is f32")) << dtype.error;
  EXPECT_TRUE(Contains(dtype.error, "torch.int32")) << dtype.error;

  TorchRun count = runner.Run("X", {}, Inputs(), Outputs(DType::kI32, {8}));
  EXPECT_EQ(count.failure, TorchFailure::kExpression);
  EXPECT_TRUE(Contains(count.error, "output Y has 8 elements")) << count.error;

  TorchTiming timed = runner.Time("X", TorchMode::kEager, {}, Inputs(), Outputs(DType::kF16),
                                  Config(1e9, 10, 100), 0);
  EXPECT_EQ(timed.failure, TorchFailure::kExpression) << "Time checks the results too";
}

TEST_F(TorchRunnerTest, TimeoutKillsTheRunnerAndTheNextCallGetsAFreshOne) {
  TorchRunner runner(Options());
  TorchRun hung = runner.Run("while True: pass", {}, Inputs(), Outputs(), 0.5);
  EXPECT_EQ(hung.failure, TorchFailure::kTimeout);
  EXPECT_TRUE(Contains(hung.error, "PyTorch expression (eager) did not finish")) << hung.error;
  TorchRun next = runner.Run("X", {}, Inputs(), Outputs());
  EXPECT_TRUE(next.ok()) << next.error;

  TorchTiming compiled = runner.Time("while True: pass", TorchMode::kCompile, {}, Inputs(),
                                     Outputs(), Config(1e9, 10, 100), 0, 0.5);
  EXPECT_EQ(compiled.failure, TorchFailure::kTimeout);
  EXPECT_TRUE(Contains(compiled.error, "(compile)")) << compiled.error;
  EXPECT_TRUE(Contains(compiled.error, "compiling")) << "the stage it was in: " << compiled.error;
  EXPECT_TRUE(runner.Run("X", {}, Inputs(), Outputs()).ok());
}

TEST_F(TorchRunnerTest, PythonWithoutTorchSaysSo) {
  Set("PYTHONPATH", std::nullopt);
  TorchRunner runner(Options());
  const TorchInfo& info = runner.info();
  if (info.ok() || Contains(info.error, "CUDA not available")) {
    GTEST_SKIP() << python_ << " has torch of its own";
  }
  EXPECT_TRUE(Contains(info.error, "no module named torch in ")) << info.error;
  EXPECT_TRUE(Contains(info.error, "--python")) << info.error;
  TorchRun run = runner.Run("X", {}, Inputs(), Outputs());
  EXPECT_EQ(run.failure, TorchFailure::kUnavailable);
  EXPECT_EQ(run.error, info.error);
}

TEST_F(TorchRunnerTest, TorchWithoutCudaSaysSo) {
  Set("FAKE_TORCH_CUDA", "0");
  TorchRunner runner(Options());
  EXPECT_TRUE(Contains(runner.info().error, "CUDA not available to torch 0.0+fake"))
      << runner.info().error;
  EXPECT_EQ(runner.Run("X", {}, Inputs(), Outputs()).failure, TorchFailure::kUnavailable);
}

TEST_F(TorchRunnerTest, NonExecutablePythonIsRefused) {
  try {
    FindPython("/nonexistent/python3");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(Contains(e.what(), "--python /nonexistent/python3")) << e.what();
  }
  std::string not_executable = kFakeTorch + "/torch/__init__.py";
  EXPECT_THROW(FindPython(not_executable), ConfigError);
  EXPECT_THROW(FindPython(kFakeTorch), ConfigError) << "a folder";
  EXPECT_EQ(FindPython(python_), python_);

  TorchRunnerOptions options = Options();
  options.python = not_executable;
  TorchRunner runner(options);
  EXPECT_TRUE(Contains(runner.info().error, "is not an executable file")) << runner.info().error;
}

TEST_F(TorchRunnerTest, SecretsOfKoptsEnvironmentStayOut) {
  const std::string pattern_secret = "sk-ant-canary-4c1f9e2b";
  const std::string known_secret = "plain-canary-77d0a5";
  Set("ANTHROPIC_API_KEY", pattern_secret);
  Set("KOPT_TEST_PLAIN_VARIABLE", known_secret);  // a key read through --api-key-env
  ProcessSecrets().Add(known_secret);
  TorchRunner runner(Options());
  TorchRun run = runner.Run(
      "import os\n"
      "seen = [k for k in os.environ if k in ('ANTHROPIC_API_KEY', 'KOPT_TEST_PLAIN_VARIABLE',"
      " 'PYTHONPATH')]\n"
      "seen += [v for v in os.environ.values() if 'canary' in v]\n"
      "raise RuntimeError('seen: ' + ' '.join(seen))",
      {}, Inputs(), Outputs());
  ASSERT_EQ(run.failure, TorchFailure::kExpression) << run.error;
  EXPECT_TRUE(Contains(run.error, "seen: PYTHONPATH")) << "the rest is inherited: " << run.error;
  EXPECT_FALSE(Contains(run.error, "ANTHROPIC_API_KEY")) << run.error;
  EXPECT_FALSE(Contains(run.error, "KOPT_TEST_PLAIN_VARIABLE")) << run.error;
  EXPECT_FALSE(Contains(run.error, "canary")) << run.error;
}

TEST(TorchRunnerScriptTest, TheBuiltInScriptIsTheFile) {
  EXPECT_EQ(TorchRunnerScript(),
            ReadFile(std::string(KOPT_SOURCE_DIR) + "/evaluator/torch_runner.py"));
}

}  // namespace
}  // namespace kopt
