// SPDX-License-Identifier: Apache-2.0
#include "core/task.h"

#include "core/launch_block.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json GoodTask() {
  return json::parse(R"({
    "schema_version": 1, "name": "axpy", "description": "y = a*x + y", "op_class": "elementwise",
    "symbols": {"N": 1024},
    "check_symbols": [{"N": 1000}],
    "tensors": [
      {"name": "X", "dtype": "f32", "shape": ["N"], "role": "input", "init": {"dist": "uniform", "low": -1, "high": 1}},
      {"name": "Y", "dtype": "f32", "shape": ["N"], "role": "output"}],
    "scalars": [{"name": "alpha", "dtype": "f32", "value": 2.0}],
    "tolerance": {"rtol": 1e-5, "atol": 1e-6},
    "flops": "2*N", "bytes": "8*N"})");
}

constexpr const char* kReference = R"k(/*@kopt
{"launch": [{"kernel": "axpy", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Y", "N", "alpha"]
}]
}
@kopt*/
)k";

class TaskDir {
 public:
  TaskDir(const json& task, bool with_reference = true) {
    dir_ = fs::temp_directory_path() /
           ("kopt_task_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)) /
           "axpy";
    fs::create_directories(dir_);
    std::ofstream(dir_ / "task.json") << task.dump(2);
    if (with_reference) std::ofstream(dir_ / "reference.cu") << kReference;
  }
  ~TaskDir() { fs::remove_all(dir_.parent_path()); }
  std::string path() const { return dir_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

// Loads `task` and returns the error message; fails the test when loading succeeds.
std::string LoadError(const json& task) {
  TaskDir dir(task);
  try {
    LoadTask(dir.path());
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an error for " << task.dump();
  return "";
}

TEST(TaskTest, LoadsAValidTask) {
  TaskDir dir(GoodTask());
  Task task = LoadTask(dir.path());
  EXPECT_EQ(task.name, "axpy");
  EXPECT_EQ(task.symbols.at("N"), 1024);
  ASSERT_EQ(task.check_symbols.size(), 1u);
  EXPECT_EQ(task.check_symbols[0].at("N"), 1000);
  ASSERT_EQ(task.tensors.size(), 2u);
  EXPECT_EQ(task.tensors[0].init.dist, InitDist::kUniform);
  EXPECT_EQ(task.tensors[1].role, TensorRole::kOutput);
  EXPECT_EQ(task.scalars[0].value, 2.0);
  EXPECT_EQ(task.content_hash.size(), 64u);
  EXPECT_EQ(task.AllSizes().size(), 2u);
  EXPECT_EQ(TensorShape(task.tensors[0], task.check_symbols[0]), std::vector<std::int64_t>{1000});
}

TEST(TaskTest, EditedReferenceChangesTheHash) {
  TaskDir a(GoodTask());
  std::string before = LoadTask(a.path()).content_hash;
  std::ofstream(fs::path(a.path()) / "reference.cu") << kReference << "// edited\n";
  EXPECT_NE(LoadTask(a.path()).content_hash, before);
}

TEST(TaskTest, LaunchBlocksOfReferenceAndStarterAreValidatedAtLoad) {
  TaskDir dir(GoodTask());
  std::ofstream(fs::path(dir.path()) / "reference.cu") << R"k(/*@kopt
{"launch": [{"kernel": "axpy", "grid": ["cdiv(N,256)"], "block": [256], "args": ["X", "Z"]
}]
}
@kopt*/)k";
  try {
    LoadTask(dir.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("reference.cu"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'Z'"), std::string::npos) << e.what();
  }
  std::ofstream(fs::path(dir.path()) / "reference.cu") << kReference;
  std::ofstream(fs::path(dir.path()) / "starter.cu") << R"k(/*@kopt
{"launch": [{"kernel": "axpy", "grid": ["cdiv(N,B)"], "block": ["B"], "args": ["X", "Y", "N"]
  }],
 "tunables": {"B": [128, 256]}
  }
@kopt*/)k";
  Task task = LoadTask(dir.path());
  EXPECT_NE(task.starter_source.find("tunables"), std::string::npos);
  // The starter is a candidate, not part of what the task means.
  std::ofstream(fs::path(dir.path()) / "starter.cu") << "// another starter\n"
                                                     << task.starter_source;
  EXPECT_EQ(LoadTask(dir.path()).content_hash, task.content_hash);
  std::ofstream(fs::path(dir.path()) / "starter.cu") << "/*@kopt {\"launch\": []} @kopt*/";
  EXPECT_THROW(LoadTask(dir.path()), ConfigError);
}

struct BadCase {
  const char* what;
  std::function<void(json&)> edit;
  const char* expected;  // a piece of the message
};

TEST(TaskTest, InputCasesAndTheContractAreRead) {
  json j = GoodTask();
  j["input_cases"] = json::parse(R"([
    {"name": "large", "why": "overflow", "inputs": {"X": {"dist": "normal", "mean": 0, "std": 100}}},
    {"name": "flat", "why": "ties", "inputs": {"X": {"dist": "constant", "value": 3}}},
    {"name": "spiky", "why": "one big value", "inputs": {"X": {"dist": "spike", "peak": 50, "std": 1, "every": 100}}}])");
  j["contract"] =
      json::parse(R"({"ragged": {"N": 4}, "precision": "fp32", "ties": "lowest index"})");
  TaskDir dir(j);
  Task task = LoadTask(dir.path());
  ASSERT_EQ(task.input_cases.size(), 3u);
  EXPECT_EQ(task.input_cases[0].name, "large");
  EXPECT_EQ(task.input_cases[0].inputs[0].first, "X");
  EXPECT_EQ(task.input_cases[0].inputs[0].second.b, 100);
  EXPECT_EQ(task.input_cases[1].inputs[0].second.dist, InitDist::kConstant);
  EXPECT_EQ(task.input_cases[2].inputs[0].second.every, 100);
  ASSERT_EQ(task.contract.ragged.size(), 1u);
  EXPECT_EQ(task.contract.ragged[0], (std::pair<std::string, std::int64_t>{"N", 4}));
  EXPECT_EQ(task.contract.ties, "lowest index");
}

TEST(TaskTest, TheTorchEquivalentIsReadAsText) {
  TaskDir without(GoodTask());
  EXPECT_EQ(LoadTask(without.path()).torch, "");

  json expression = GoodTask();
  expression["torch"] = "2.0 * X";
  TaskDir with_expression(expression);
  EXPECT_EQ(LoadTask(with_expression.path()).torch, "2.0 * X");

  json body = GoodTask();
  body["torch"] = "y = X * 2.0\nreturn y";
  TaskDir with_body(body);
  EXPECT_EQ(LoadTask(with_body.path()).torch, "y = X * 2.0\nreturn y");
}

TEST(TaskTest, EveryRaggedContractIsOneTheLaunchBlocksCanRun) {
  // The worker draws ragged sizes from half to one and a half times the first check size: the
  // reference's and the starter's launch blocks must resolve on all of them.
  fs::path root = fs::path(KOPT_SOURCE_DIR) / "tasks";
  int checked = 0;
  for (const auto& suite : ListSuites(root.string())) {
    for (const auto& task : LoadSuite((root / suite).string())) {
      if (task.contract.ragged.empty()) continue;
      SymbolTable base = task.check_symbols.empty() ? task.symbols : task.check_symbols.front();
      for (int pick = 0; pick < 3; ++pick) {
        Task sized = task;
        SymbolTable size = base;
        for (const auto& [symbol, alignment] : task.contract.ragged) {
          std::int64_t v = base.at(symbol);
          std::int64_t low = std::max(alignment, v / 2), high = std::max(low, v + v / 2);
          std::int64_t value = pick == 0 ? low : pick == 1 ? high : (low + high) / 2 | 1;
          size[symbol] = std::max(alignment, value / alignment * alignment);
        }
        sized.check_symbols = {size};
        for (const std::string* source : {&task.reference_source, &task.starter_source}) {
          if (source->empty()) continue;
          LaunchBlock block = ParseLaunchBlock(*source, task.dir);
          EXPECT_NO_THROW(ValidateLaunchBlock(block, sized, ChooseTunables(block, {}), task.dir))
              << task.dir << " at a drawn size";
        }
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 4);
}

TEST(TaskTest, BadFilesGiveErrorsNamingFileAndField) {
  std::vector<BadCase> cases = {
      {"input case on an output",
       [](json& j) {
         j["input_cases"] = json::parse(
             R"([{"name": "a", "why": "b", "inputs": {"Y": {"dist": "constant", "value": 0}}}])");
       },
       "input_cases[0].inputs.Y: not an input tensor"},
      {"ragged unknown symbol",
       [](json& j) {
         j["contract"] = {{"ragged", {{"Q", 1}}}};
       },
       "contract.ragged.Q: not a symbol"},
      {"spike without every",
       [](json& j) {
         j["input_cases"] = json::parse(
             R"([{"name": "a", "why": "b", "inputs": {"X": {"dist": "spike", "peak": 1}}}])");
       },
       "every: must be a positive"},
      {"unknown key", [](json& j) { j["colour"] = "red"; }, "colour: unknown key"},
      {"unknown tensor key", [](json& j) { j["tensors"][0]["layout"] = "nchw"; },
       "tensors[0].layout: unknown key"},
      {"missing field", [](json& j) { j.erase("tolerance"); }, "tolerance: missing required field"},
      {"bad version", [](json& j) { j["schema_version"] = 2; }, "schema_version: version 2"},
      {"bad dtype", [](json& j) { j["tensors"][1]["dtype"] = "f33"; },
       "tensors[1].dtype: unknown dtype 'f33'"},
      {"bad expression", [](json& j) { j["tensors"][0]["shape"][0] = "N +"; },
       "tensors[0].shape[0]"},
      {"unknown symbol in shape", [](json& j) { j["tensors"][0]["shape"][0] = "M"; },
       "unknown name 'M'"},
      {"non-positive shape", [](json& j) { j["tensors"][0]["shape"][0] = "N - 1024"; },
       "must be positive"},
      {"non-positive on check size", [](json& j) { j["tensors"][0]["shape"][0] = "N - 1000"; },
       "check_symbols[0]"},
      {"bad role", [](json& j) { j["tensors"][1]["role"] = "scratch"; }, "unknown role 'scratch'"},
      {"no output", [](json& j) { j["tensors"][1]["role"] = "input"; }, "no tensor has role"},
      {"duplicate name", [](json& j) { j["tensors"][1]["name"] = "X"; }, "already used"},
      {"symbol clash", [](json& j) { j["scalars"][0]["name"] = "N"; }, "already used"},
      {"bad identifier", [](json& j) { j["tensors"][1]["name"] = "1Y"; }, "not a C identifier"},
      {"unknown dist",
       [](json& j) {
         j["tensors"][0]["init"] = {{"dist", "cauchy"}};
       },
       "unknown distribution 'cauchy'"},
      {"empty range",
       [](json& j) {
         j["tensors"][0]["init"] = {{"dist", "uniform"}, {"low", 1}, {"high", 1}};
       },
       "must be greater than low"},
      {"init on output",
       [](json& j) {
         j["tensors"][1]["init"] = {{"dist", "normal"}};
       },
       "outputs are not initialised"},
      {"int input without init",
       [](json& j) {
         j["tensors"][0]["dtype"] = "i32";
         j["tensors"][0].erase("init");
       },
       "integer inputs need an explicit init"},
      {"check size unknown symbol",
       [](json& j) {
         j["check_symbols"][0] = {{"Q", 3}};
       },
       "check_symbols[0].Q: not a symbol"},
      {"zero symbol", [](json& j) { j["symbols"]["N"] = 0; },
       "symbols.N: expected a positive integer"},
      {"bad baseline", [](json& j) { j["baseline"] = "mkl"; }, "unknown baseline 'mkl'"},
      {"baseline tensor missing", [](json& j) { j["baseline"] = "cublas"; },
       "baseline.a: no tensor named 'A'"},
      {"baseline bad key",
       [](json& j) {
         j["baseline"] = {{"library", "cublas"}, {"lda", 3}};
       },
       "baseline.lda: unknown key"},
      {"negative tolerance", [](json& j) { j["tolerance"]["rtol"] = -1; }, "tolerance.rtol"},
      {"bad flops", [](json& j) { j["flops"] = "2*N*Z"; }, "flops"},
      {"name mismatch", [](json& j) { j["name"] = "saxpy"; }, "must match the folder name"},
      {"shape not array", [](json& j) { j["tensors"][0]["shape"] = "N"; }, "expected an array"},
      {"torch not a string", [](json& j) { j["torch"] = 3; }, "torch: expected a string"},
      {"torch empty", [](json& j) { j["torch"] = " \n "; }, "torch: is empty"},
      // Y is the output and X1 only contains the name: neither reads the input X.
      {"torch reads no input", [](json& j) { j["torch"] = "torch.zeros_like(Y) + X1 + 1e5"; },
       "torch: names none of the task's input tensors (X)"},
  };
  for (const auto& c : cases) {
    json task = GoodTask();
    c.edit(task);
    std::string msg = LoadError(task);
    EXPECT_NE(msg.find("task.json"), std::string::npos) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.what << ": " << msg;
  }
}

TEST(TaskTest, InvalidJsonAndMissingFilesAreNamed) {
  TaskDir dir(GoodTask());
  std::ofstream(fs::path(dir.path()) / "task.json") << "{\"name\": ";
  try {
    LoadTask(dir.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos);
  }
  TaskDir no_ref(GoodTask(), false);
  try {
    LoadTask(no_ref.path());
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("reference.cu: missing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadTask("/nonexistent/kopt/task"), ConfigError);
}

// JSON keeps the last of two equal keys silently; kopt refuses the file instead, at any depth.
TEST(TaskTest, ARepeatedKeyIsAnErrorNamingIt) {
  std::string text = GoodTask().dump(2);
  std::string top = text;
  top.insert(1, "\"tolerance\": {\"rtol\": 1, \"atol\": 1},");
  std::string nested = text;
  nested.replace(nested.find("\"dtype\""), 0, "\"dtype\": \"bf16\", ");
  for (const auto& [variant, key] :
       std::vector<std::pair<std::string, std::string>>{{top, "tolerance"}, {nested, "dtype"}}) {
    try {
      ParseTask(variant, "dup/task.json");
      ADD_FAILURE() << "accepted a repeated \"" << key << "\"";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("dup/task.json: the key \"" + key +
                                           "\" appears twice in one object"),
                std::string::npos)
          << e.what();
    }
  }
  // The same key in two objects is fine.
  EXPECT_NO_THROW(ParseTask(text, "ok/task.json"));
}

TEST(TaskTest, SizesNoGpuHoldsAreRejectedBeforeAnyGpuWork) {
  json huge = GoodTask();
  huge["symbols"]["N"] = 4400000000000LL;  // 4.4e12 floats in and out: 35 TB
  std::string msg = LoadError(huge);
  EXPECT_NE(msg.find("symbols: the tensors need 32782 GiB (X alone 16391 GiB), more than any GPU "
                     "holds"),
            std::string::npos)
      << msg;
  json check = GoodTask();
  check["check_symbols"][0]["N"] = 100000000000LL;
  msg = LoadError(check);
  EXPECT_NE(msg.find("check_symbols[0]: the tensors need"), std::string::npos) << msg;
  json overflow = GoodTask();
  overflow["symbols"]["N"] = 3037000500LL;
  overflow["tensors"][0]["shape"] = {"N", "N", "N"};
  overflow["tensors"][1]["shape"] = {"N"};
  msg = LoadError(overflow);
  EXPECT_NE(msg.find("tensor X has more bytes than a 64-bit count holds"), std::string::npos)
      << msg;
}

TEST(TaskTest, ASuiteIsValidatedWholeAndEveryBadTaskNamed) {
  fs::path suite = fs::temp_directory_path() / ("kopt_suite_test_" + std::to_string(::getpid()));
  for (const std::string name : {"axpy", "bad_one", "bad_two"}) {
    fs::create_directories(suite / name);
    json task = GoodTask();
    task["name"] = name;
    if (name != "axpy") task["tensors"][0]["dtype"] = name == "bad_one" ? "f33" : "f99";
    std::ofstream(suite / name / "task.json") << task.dump();
    std::ofstream(suite / name / "reference.cu") << kReference;
  }
  try {
    LoadSuite(suite.string());
    ADD_FAILURE() << "loaded a suite with two bad tasks";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("2 of 3 tasks are invalid"), std::string::npos) << msg;
    EXPECT_NE(msg.find("bad_one/task.json: tensors[0].dtype: unknown dtype 'f33'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("bad_two/task.json: tensors[0].dtype: unknown dtype 'f99'"),
              std::string::npos)
        << msg;
  }
  fs::remove_all(suite);
}

TEST(TaskTest, EveryTaskInTheRepositoryLoads) {
  fs::path root = fs::path(KOPT_SOURCE_DIR) / "tasks";
  int loaded = 0;
  for (const auto& suite : ListSuites(root.string())) {
    for (const auto& task : LoadSuite((root / suite).string())) {
      EXPECT_FALSE(task.reference_source.empty()) << task.dir;
      ++loaded;
    }
  }
  EXPECT_GE(loaded, 5);
}

TEST(TaskTest, EveryShippedTaskStatesItsTorchEquivalent) {
  fs::path root = fs::path(KOPT_SOURCE_DIR) / "tasks";
  int checked = 0;
  for (const char* suite : {"quick", "core"}) {
    for (const auto& task : LoadSuite((root / suite).string())) {
      EXPECT_FALSE(task.torch.empty()) << task.dir << ": task.json needs a \"torch\" field";
      ++checked;
    }
  }
  EXPECT_GE(checked, 40);
}

}  // namespace
}  // namespace kopt

namespace kopt {
namespace {

TEST(TaskTest, GemmBaselineIsCheckedAgainstTheTensors) {
  nlohmann::json j = nlohmann::json::parse(R"j({
    "schema_version": 1, "name": "g", "description": "d", "op_class": "gemm",
    "symbols": {"M": 64, "N": 32, "K": 16},
    "tensors": [
      {"name": "X", "dtype": "bf16", "shape": ["M", "K"], "role": "input"},
      {"name": "W", "dtype": "bf16", "shape": ["N", "K"], "role": "input"},
      {"name": "bias", "dtype": "bf16", "shape": ["N"], "role": "input"},
      {"name": "Y", "dtype": "bf16", "shape": ["M", "N"], "role": "output"}],
    "tolerance": {"rtol": 1e-2, "atol": 1e-2}, "flops": "2*M*N*K", "bytes": "0",
    "baseline": {"library": "cublas", "a": "X", "b": "W", "c": "Y", "b_transposed": true,
                 "bias": "bias", "epilogue": "gelu"}})j");
  Task task = ParseTask(j.dump(), "g/task.json");
  ASSERT_TRUE(task.baseline.has_value());
  EXPECT_TRUE(task.baseline->b_transposed);
  EXPECT_EQ(task.baseline->epilogue, "gelu");
  j["baseline"]["k"] = "K/2";
  try {
    ParseTask(j.dump(), "g/task.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("the GEMM needs"), std::string::npos) << e.what();
  }
  j["baseline"].erase("k");
  j["tensors"].push_back({{"name", "Z"}, {"dtype", "f32"}, {"shape", {"M"}}, {"role", "output"}});
  try {
    ParseTask(j.dump(), "g/task.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("another output, 'Z'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kopt
