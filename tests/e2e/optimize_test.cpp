// SPDX-License-Identifier: Apache-2.0
// `kopt optimize` end to end: the kopt binary, a real GPU, and the fake LLM server on loopback
// scripted to answer with one wrong kernel, one that does not compile and one that is faster.
// The faster one wins, the others are stored with their status, the repair prompt carries the
// compile log, and running the command again makes no new call. Skips without a GPU.
#include "evaluator/worker/cuda_driver.h"
#include "results/store.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/require_gpu.h"
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kopt {
namespace {

namespace fs = std::filesystem;
using testing::FakeLlmServer;
using testing::Output;
using testing::RunKopt;

std::string Kernel(const std::string& name, const std::string& body) {
  return "/*@kopt\n{\"launch\": [{\"kernel\": \"" + name +
         "\", \"grid\": [528], \"block\": [256], \"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n"
         "extern \"C\" __global__ void " +
         name + "(const float* __restrict__ X, float* __restrict__ Y, int n) {\n" + body + "}\n";
}

// Grid-stride: coalesced, so several times faster than the chunked reference.
const std::string kFast = Kernel("copy_fast",
                                 "  for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; "
                                 "i < n; i += (long)gridDim.x * blockDim.x) Y[i] = X[i];\n");
const std::string kWrong =
    Kernel("copy_wrong",
           "  for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; "
           "i += (long)gridDim.x * blockDim.x) Y[i] = 2.0f * X[i];\n");
const std::string kRepaired =
    "/*@kopt\n{\"launch\": [{\"kernel\": \"copy_one_block\", \"grid\": [1], "
    "\"block\": [256], \"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n"
    "extern \"C\" __global__ void copy_one_block(const float* X, float* Y, "
    "int n) {\n  for (long i = threadIdx.x; i < n; i += blockDim.x) Y[i] = "
    "X[i];\n}\n";
const std::string kBroken = Kernel("copy_broken", "  Y[0] = undefined_symbol_for_the_test;\n");

std::string Fenced(const std::string& code) { return "Here it is.\n```cuda\n" + code + "```\n"; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(OptimizeE2eTest, TheFasterKernelWinsAndFailuresAreStoredWithTheirStatus) {
  KOPT_SKIP_WITHOUT_GPU();
  char dir_template[] = "/tmp/kopt-optimize-e2e-XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir_template));
  fs::path dir = dir_template;
  // Plans, then the three kernels in the order the code prompts arrive, then the repairs: a
  // correct kernel in a single block, far slower than the fast one, so the winner is certain.
  nlohmann::json script = {
      {"responses",
       {{{"match", "In this step you plan one optimization"},
         {"text",
          "Option: mem.coalescing\nPlan: make consecutive threads copy consecutive "
          "elements with a grid-stride loop."},
         {"times", 0}},
        {{"match", "failed kopt's evaluation"}, {"text", Fenced(kRepaired)}, {"times", 0}},
        {{"match", "Write the new version of the kernel"}, {"text", Fenced(kWrong)}},
        {{"match", "Write the new version of the kernel"}, {"text", Fenced(kBroken)}},
        {{"match", "Write the new version of the kernel"}, {"text", Fenced(kFast)}}}}};
  std::ofstream(dir / "script.json") << script.dump(2);
  std::string requests = (dir / "requests.jsonl").string();
  FakeLlmServer server(KOPT_FAKE_LLM_SERVER,
                       {"--script", (dir / "script.json").string(), "--request-log", requests});
  std::string db = (dir / "kopt.db").string();
  std::string command = "--db " + db + " optimize --suite " + std::string(KOPT_SOURCE_DIR) +
                        "/tests/data/suites/tiny --model openai:scripted@" + server.openai_url() +
                        " --beam 1 --plans 1 --impls 3 --iterations 1 --tune 0 --profile none";
  Output out = RunKopt(command);
  ASSERT_EQ(out.code, 0) << out.text;

  // The winner is the fast kernel, found by the llm proposer.
  Output board = RunKopt("--db " + db + " leaderboard --format json", "2>/dev/null");
  ASSERT_EQ(board.code, 0) << board.text;
  nlohmann::json j = nlohmann::json::parse(board.text);
  ASSERT_FALSE(j["entries"].empty()) << board.text;
  EXPECT_EQ(j["entries"][0]["task"], "copy_chunked");
  const nlohmann::json& best = j["entries"][0]["best"];
  ASSERT_TRUE(best.is_object()) << board.text;
  EXPECT_EQ(best["proposer"], "llm") << board.text;
  EXPECT_GT(best["speedup"]["low"].get<double>(), 1.5) << board.text;
  Output shown = RunKopt("--db " + db + " show " + std::to_string(best["candidate_id"].get<int>()));
  EXPECT_NE(shown.text.find("copy_fast"), std::string::npos) << shown.text;
  EXPECT_NE(shown.text.find("grid-stride"), std::string::npos) << "the plan is stored";

  // Every proposal is stored with the status it reached.
  Store store(db, Store::OpenMode::kExisting);
  std::map<std::string, int> statuses;
  store.WithDatabase([&](Database& d) {
    Query q = d.Prepare(
        "SELECT c.source, e.status FROM evaluations e JOIN candidates c ON c.id = e.candidate_id");
    while (q->Step()) {
      std::string source = q->Text(0), status = q->Text(1);
      if (source.find("copy_wrong") != std::string::npos)
        statuses["wrong"] += status == "wrong_answer";
      if (source.find("copy_broken") != std::string::npos)
        statuses["broken"] += status == "compile_error";
      if (source.find("copy_fast") != std::string::npos) statuses["fast"] += status == "correct";
    }
    return 0;
  });
  EXPECT_EQ(statuses["wrong"], 1);
  EXPECT_EQ(statuses["broken"], 1);
  EXPECT_EQ(statuses["fast"], 2);  // its evaluation, then the winner's sanitizer pass

  // The repair prompt of the broken kernel carries NVRTC's log.
  std::string log = ReadAll(requests);
  EXPECT_NE(log.find("undefined_symbol_for_the_test"), std::string::npos);
  bool repair_with_log = false;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("failed kopt's evaluation") != std::string::npos &&
        line.find("compile_error") != std::string::npos &&
        line.find("identifier") != std::string::npos) {
      repair_with_log = true;
    }
  }
  EXPECT_TRUE(repair_with_log) << "no repair prompt with the compile log";

  // The same command again is answered from the store: no request reaches the server.
  std::size_t before = std::count(log.begin(), log.end(), '\n');
  Output again = RunKopt(command);
  ASSERT_EQ(again.code, 0) << again.text;
  std::string log_after = ReadAll(requests);
  EXPECT_EQ(static_cast<std::size_t>(std::count(log_after.begin(), log_after.end(), '\n')), before);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kopt
