// SPDX-License-Identifier: Apache-2.0
// `kopt eval` records into the store on a real GPU: the second evaluation of the same kernel is
// answered from the store, --force measures again, and the leaderboard shows the result.
#include "evaluator/worker/cuda_driver.h"
#include "tests/support/require_gpu.h"
#include "tests/support/run_kopt.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace kopt {
namespace {

using testing::Output;

Output Kopt(const std::string& args) { return testing::RunKopt(args, "2>/dev/null"); }

TEST(StoreEvalGpuTest, EvalRecordsAnswersFromTheStoreAndForceMeasuresAgain) {
  KOPT_SKIP_WITHOUT_GPU();
  testing::TempDir dir;
  std::string db = dir.File("kopt.db");
  std::string eval = "--db " + db + " eval transpose_fp32 " + std::string(KOPT_SOURCE_DIR) +
                     "/tasks/quick/transpose_fp32/starter.cu --format json";
  Output first = Kopt(eval);
  ASSERT_EQ(first.code, 0) << first.text;
  nlohmann::json a = nlohmann::json::parse(first.text);
  EXPECT_FALSE(a["store"]["from_store"].get<bool>());
  EXPECT_EQ(a["status"], "correct");

  Output second = Kopt(eval);
  ASSERT_EQ(second.code, 0) << second.text;
  nlohmann::json b = nlohmann::json::parse(second.text);
  EXPECT_TRUE(b["store"]["from_store"].get<bool>());
  EXPECT_EQ(b["store"]["evaluation_id"], a["store"]["evaluation_id"]);
  EXPECT_EQ(b["timing"], a["timing"]) << "the stored measurement, not a new one";
  EXPECT_EQ(b["store"]["run_id"], a["store"]["run_id"].get<int>() + 1) << "each eval is a run";

  nlohmann::json c = nlohmann::json::parse(Kopt(eval + " --force").text);
  EXPECT_FALSE(c["store"]["from_store"].get<bool>());
  EXPECT_NE(c["store"]["evaluation_id"], a["store"]["evaluation_id"]);

  nlohmann::json board =
      nlohmann::json::parse(Kopt("--db " + db + " leaderboard --format json").text);
  ASSERT_EQ(board["entries"].size(), 1u);
  EXPECT_EQ(board["entries"][0]["task"], "transpose_fp32");
  EXPECT_EQ(board["entries"][0]["best"]["candidate_id"], a["store"]["candidate_id"]);
  EXPECT_EQ(board["entries"][0]["device"], a["device"]);
  nlohmann::json runs = nlohmann::json::parse(Kopt("--db " + db + " runs --format json").text);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0]["status"], "ok");
  EXPECT_FALSE(runs[0]["device"].get<std::string>().empty());
  EXPECT_FALSE(runs[0]["driver_version"].get<std::string>().empty());
}

}  // namespace
}  // namespace kopt
