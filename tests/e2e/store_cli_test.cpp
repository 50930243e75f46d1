// SPDX-License-Identifier: Apache-2.0
// The store's commands end to end: a results database made with the store library, then read
// back by the kopt binary (leaderboard in every format, show, export, runs), plus the
// no-driver path of a recording `kopt eval`.
#include "evaluator/worker/cuda_driver.h"
#include "results/schema.h"
#include "results/store.h"
#include "tests/support/e2e_text.h"
#include "tests/support/run_kopt.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace kopt {
namespace {

using testing::Has;

namespace fs = std::filesystem;
using testing::CandidateSource;
using testing::CorrectResult;
using testing::FailedResult;
using testing::MakeTask;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";
const std::string kA100 = "NVIDIA A100-SXM4-80GB";

using testing::Output;

Output Kopt(const std::string& args, bool with_stderr = true) {
  return testing::RunKopt(args, with_stderr ? "2>&1" : "");
}

class StoreCliTest : public ::testing::Test {
 protected:
  StoreCliTest() : db_(dir_.File("kopt.db")) {
    Store store(db_);
    RunInfo info;
    info.command = "optimize";
    info.argv = {"kopt", "optimize", "--suite", "s1"};
    info.kopt_version = "0.1.0";
    info.git_sha = "0123456789abcdef";
    info.device = kH100;
    run_ = store.BeginRun(info);
    std::int64_t a = store.AddTask(MakeTask("reduce_a", "s1"), "s1");
    std::int64_t b = store.AddTask(MakeTask("reduce_b", "s1"), "s1");
    auto add = [&](std::int64_t task, int variant, std::optional<std::int64_t> parent,
                   const std::string& plan) {
      NewCandidate c = testing::TestCandidate(task, CandidateSource(variant), {{"BS", 256}}, "llm");
      c.run_id = run_;
      c.parent_id = parent ? *parent : store.ReferenceCandidate(task);
      c.plan = plan;
      c.menu_option_id = "opt." + std::to_string(variant);
      c.iteration = variant;
      c.model = "model-x";
      return store.AddCandidate(c);
    };
    std::int64_t first = add(a, 1, std::nullopt, "Tree reduction in shared memory.");
    best_ = add(a, 2, first, "Unroll the loop by 4.");
    store.RecordEvaluation({first, run_, "", true, CorrectResult(kH100, 0.5, 1.0)});
    store.RecordEvaluation({best_, run_, "", true, CorrectResult(kH100, 0.4, 1.0, 0.5)});
    store.RecordEvaluation({best_, run_, "", true, CorrectResult(kA100, 0.8, 1.0)});
    store.RecordEvaluation(
        {add(b, 3, std::nullopt, "x"), run_, "", true, FailedResult(kH100, EvalStatus::kCrashed)});
    LlmCallRecord call;
    call.cache_key = "k";
    call.provider = "openai";
    call.model = "model-x";
    call.cost_usd = 0.125;
    store.RecordLlmCall(call, {run_, a, "plan"});
    TorchBaselineRecord eager;  // reduce_a in PyTorch on the H100: 0.8 ms, so the winner is 2x
    eager.task_id = a;
    eager.device = kH100;
    eager.mode = "eager";
    eager.python_version = "3.12.3";
    eager.torch_version = "2.9.0";
    eager.triton_version = "3.5.0";
    eager.event_ms = Summary{0.8, 0.79, 0.81, 0.8, 0.004, 0.78, 0.82, 100};
    store.RecordTorchBaseline(eager);
    store.FinishRun(run_, "ok");
  }

  TempDir dir_;
  std::string db_;
  std::int64_t run_ = 0;
  std::int64_t best_ = 0;
};

TEST_F(StoreCliTest, LeaderboardTableShowsWinnersFailuresAndTheSuiteSummary) {
  Output out = Kopt("--db " + db_ + " leaderboard");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "reduce_a")) << out.text;
  EXPECT_TRUE(Has(out.text, "2.50x (2.45-2.55)")) << out.text;
  EXPECT_TRUE(Has(out.text, "1.25x (1.23-1.27)")) << "over the cuBLASLt baseline\n" << out.text;
  EXPECT_TRUE(Has(out.text, "llm model-x")) << out.text;
  EXPECT_TRUE(Has(out.text, "$0.12")) << out.text;
  EXPECT_TRUE(Has(out.text, "none correct (1 tried)")) << out.text;
  EXPECT_TRUE(Has(out.text, "suite s1 on " + kH100 + ": 2 tasks, 1 with a correct kernel"))
      << out.text;
  EXPECT_TRUE(Has(out.text, "fast_1 0.50  fast_1.5 0.50  fast_2 0.50")) << out.text;
  EXPECT_TRUE(Has(out.text, "geomean 2.50x over the reference (1)")) << out.text;
  EXPECT_TRUE(Has(out.text, "vs torch eager")) << out.text;
  EXPECT_TRUE(Has(out.text, "2.00x (1.96-2.04)")) << "over PyTorch eager\n" << out.text;
  EXPECT_TRUE(Has(out.text, "over PyTorch eager (1 task): fast_1 1.00")) << out.text;
}

TEST_F(StoreCliTest, LeaderboardSpeaksJsonCsvAndMarkdownAndFilters) {
  Output json = Kopt("--db " + db_ + " leaderboard --format json", false);
  ASSERT_EQ(json.code, 0) << json.text;
  nlohmann::json j = nlohmann::json::parse(json.text);
  ASSERT_EQ(j["entries"].size(), 3u);
  EXPECT_EQ(j["entries"][0]["device"], kA100);
  EXPECT_EQ(j["entries"][1]["best"]["candidate_id"], best_);
  EXPECT_EQ(j["summaries"].size(), 2u);

  Output csv = Kopt("--db " + db_ + " leaderboard --format csv", false);
  ASSERT_EQ(csv.code, 0);
  std::istringstream lines(csv.text);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 36) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4) << "a header and three entries";

  Output md = Kopt("--db " + db_ + " leaderboard --format markdown");
  EXPECT_EQ(md.text.rfind("| suite | task | GPU |", 0), 0u) << md.text;
  EXPECT_TRUE(Has(md.text, "| fast_1 | fast_1.5 | fast_2 |")) << md.text;

  nlohmann::json a100 =
      nlohmann::json::parse(Kopt("--db " + db_ + " leaderboard --gpu a100 --format json").text);
  EXPECT_EQ(a100["entries"].size(), 1u);
  nlohmann::json task_b = nlohmann::json::parse(
      Kopt("--db " + db_ + " leaderboard --task reduce_b --suite s1 --format json").text);
  ASSERT_EQ(task_b["entries"].size(), 1u);
  EXPECT_TRUE(task_b["entries"][0]["best"].is_null());
  nlohmann::json other_run = nlohmann::json::parse(
      Kopt("--db " + db_ + " leaderboard --run " + std::to_string(run_ + 1) + " --format json")
          .text);
  EXPECT_TRUE(other_run["entries"].empty());
  EXPECT_TRUE(Has(Kopt("--db " + db_ + " leaderboard --suite none").text, "no evaluations"));
  EXPECT_EQ(Kopt("--db " + db_ + " leaderboard --format xml").code, 2);
}

TEST_F(StoreCliTest, ShowPrintsPlanLineageEvaluationsAndSource) {
  Output out = Kopt("--db " + db_ + " show " + std::to_string(best_));
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "of s1/reduce_a")) << out.text;
  EXPECT_TRUE(Has(out.text, "Unroll the loop by 4.")) << out.text;
  EXPECT_TRUE(Has(out.text, "[opt.1] Tree reduction in shared memory.")) << out.text;
  EXPECT_TRUE(Has(out.text, "reference")) << out.text;
  EXPECT_TRUE(Has(out.text, "evaluations (2)")) << out.text;
  EXPECT_TRUE(Has(out.text, kA100)) << out.text;
  EXPECT_TRUE(Has(out.text, "tunables   BS=256")) << out.text;
  EXPECT_TRUE(Has(out.text, "// variant 2")) << "the source\n" << out.text;
  EXPECT_TRUE(Has(out.text, "over PyTorch eager (0.8000 ms, PyTorch 2.9.0)")) << out.text;

  nlohmann::json j = nlohmann::json::parse(
      Kopt("--db " + db_ + " show " + std::to_string(best_) + " --format json", false).text);
  ASSERT_EQ(j["lineage"].size(), 3u);
  EXPECT_EQ(j["lineage"][2]["proposer"], "reference");
  EXPECT_EQ(j["evaluations"].size(), 2u);
  EXPECT_EQ(j["evaluations"][0]["result"]["status"], "correct");
  EXPECT_NEAR(j["evaluations"][0]["over_torch_eager"]["speedup"]["value"].get<double>(), 2.0, 0.01);
  EXPECT_TRUE(j["evaluations"][1]["over_torch_eager"].is_null()) << "measured on the H100 only";

  Output missing = Kopt("--db " + db_ + " show 999");
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(Has(missing.text, "no candidate 999 in " + db_)) << missing.text;
}

TEST_F(StoreCliTest, ExportWritesOneFilePerGpu) {
  std::string out_dir = dir_.File("out");
  Output out = Kopt("--db " + db_ + " export --task reduce_a --out " + out_dir);
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(fs::exists(out_dir + "/reduce_a.h100_80gb_hbm3.cu")) << out.text;
  EXPECT_TRUE(fs::exists(out_dir + "/reduce_a.a100_sxm4_80gb.cu")) << out.text;
  std::ifstream in(out_dir + "/reduce_a.h100_80gb_hbm3.cu");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(Has(text.str(), "median 0.4000 ms")) << text.str();
  EXPECT_TRUE(Has(text.str(), "/*@kopt")) << text.str();

  Output none = Kopt("--db " + db_ + " export --task reduce_b --out " + out_dir);
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(Has(none.text, "no correct kernel of task 'reduce_b'")) << none.text;
  EXPECT_EQ(Kopt("--db " + db_ + " export --task reduce_a").code, 2) << "--out is required";
}

TEST_F(StoreCliTest, ExportAsATorchPackageCompilesTheKernelAndRecordsItsMeasurements) {
  std::string out_dir = dir_.File("torch");
  Output no_arch = Kopt("--db " + db_ + " export --task reduce_a --format torch --out " + out_dir);
  EXPECT_EQ(no_arch.code, 2) << no_arch.text;
  EXPECT_TRUE(Has(no_arch.text,
                  "--arch: the store does not say which GPU architecture measured "
                  "reduce_a on "))
      << no_arch.text;
  Output bad_arch = Kopt("--db " + db_ +
                         " export --task reduce_a --format torch --arch "
                         "compute_90 --out " +
                         out_dir);
  EXPECT_EQ(bad_arch.code, 2) << bad_arch.text;
  EXPECT_TRUE(Has(bad_arch.text, "'compute_90' is not an NVRTC target")) << bad_arch.text;

  Output out = Kopt("--db " + db_ +
                        " export --task reduce_a --format torch --arch sm_90a --json "
                        "--out " +
                        out_dir,
                    false);
  ASSERT_EQ(out.code, 0) << out.text;
  nlohmann::json listed = nlohmann::json::parse(out.text);
  ASSERT_EQ(listed.size(), 2u) << "one package per GPU";
  std::string h100 = out_dir + "/kopt_reduce_a_h100_80gb_hbm3";
  nlohmann::json listed_h100;
  for (const auto& entry : listed) {
    if (entry["device"] == kH100) listed_h100 = entry;
  }
  EXPECT_EQ(listed_h100["path"], h100) << listed.dump(1);
  EXPECT_EQ(listed_h100["op"], "kopt::reduce_a_h100_80gb_hbm3") << "two GPUs: the op names its GPU";
  EXPECT_EQ(listed_h100["format"], "torch");
  std::ifstream cubin(h100 + "/kernel.cubin", std::ios::binary);
  std::string elf(4, '\0');
  cubin.read(elf.data(), 4);
  EXPECT_EQ(elf,
            "\x7f"
            "ELF")
      << "NVRTC's cubin, compiled here";
  std::ifstream in(h100 + "/__init__.py");
  std::stringstream init;
  init << in.rdbuf();
  EXPECT_TRUE(
      Has(init.str(), "# kopt export: the fastest correct kernel for s1/reduce_a on " + kH100))
      << init.str();
  EXPECT_TRUE(Has(init.str(), "; kernel key ")) << init.str();
  EXPECT_TRUE(Has(init.str(), "GPU = \"" + kH100 + "\"")) << init.str();
  EXPECT_TRUE(Has(init.str(), "SPEEDUP_OVER_REFERENCE = 2.5")) << init.str();
  EXPECT_TRUE(Has(init.str(), "SPEEDUP_OVER_TORCH_EAGER = 2.0")) << init.str();
  EXPECT_TRUE(Has(init.str(), "@torch.library.custom_op(\"kopt::reduce_a_h100_80gb_hbm3\""))
      << init.str();
  EXPECT_TRUE(fs::exists(h100 + "/_kopt_runtime.py"));
  EXPECT_TRUE(fs::exists(h100 + "/kernel.cu"));
  if (std::system("python3 -c 'pass' > /dev/null 2>&1") == 0) {
    Output compiled = testing::RunProgram(
        "python3", "-m py_compile " + h100 + "/__init__.py " + h100 + "/_kopt_runtime.py", "2>&1",
        "PYTHONDONTWRITEBYTECODE=1");
    EXPECT_EQ(compiled.code, 0) << compiled.text;
  }
}

TEST_F(StoreCliTest, RunsListsWhatEachRunRecorded) {
  Output out = Kopt("--db " + db_ + " runs");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "kopt optimize --suite s1")) << out.text;
  EXPECT_TRUE(Has(out.text, "0.1.0 01234567")) << out.text;
  nlohmann::json j = nlohmann::json::parse(Kopt("--db " + db_ + " runs --format json").text);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["status"], "ok");
  EXPECT_EQ(j[0]["evaluations"], 4);
  EXPECT_EQ(j[0]["correct"], 3);
  EXPECT_EQ(j[0]["llm_calls"], 1);
}

TEST(StoreCliErrorsTest, ReadingCommandsNameAMissingOrNewerDatabase) {
  TempDir dir;
  Output missing = Kopt("--db " + dir.File("none.db") + " leaderboard");
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(Has(missing.text, "--db " + dir.File("none.db") + ": no results database there"))
      << missing.text;
  EXPECT_FALSE(fs::exists(dir.File("none.db")));

  std::string future = dir.File("future.db");
  {
    Database db(future, true);
    db.Exec("PRAGMA user_version = " + std::to_string(StoreSchemaVersion() + 1));
  }
  Output newer = Kopt("--db " + future + " runs");
  EXPECT_EQ(newer.code, 1);
  EXPECT_TRUE(Has(newer.text, future + ": schema version")) << newer.text;
  EXPECT_TRUE(Has(newer.text, "newer kopt")) << newer.text;
}

// An empty file, a damaged one and another program's SQLite database are named as what they are,
// with exit code 2, and left byte for byte as they were: a reading command never creates or
// migrates anything, and a writing one never adds kopt's tables to another program's file.
TEST(StoreCliErrorsTest, FilesThatAreNotKoptStoresAreNamedAndLeftAlone) {
  TempDir dir;
  std::string empty = dir.File("empty.db"), damaged = dir.File("damaged.db"),
              other = dir.File("other.db");
  std::ofstream(empty).close();
  std::ofstream(damaged) << "this is not a database, just text long enough to look like a header";
  {
    Database db(other, true);
    db.Exec("CREATE TABLE notes (text TEXT)");
    db.Exec("INSERT INTO notes VALUES ('mine')");
  }
  auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const auto& [path, why] : std::vector<std::pair<std::string, std::string>>{
           {empty, "an empty file"},
           {damaged, "not a SQLite database (or a damaged one)"},
           {other, "a SQLite database of another program (no kopt tables)"}}) {
    std::string before = bytes(path);
    for (const char* command : {"leaderboard", "runs", "schedules", "report --out /dev/null"}) {
      Output out = Kopt("--db " + path + " " + command);
      EXPECT_EQ(out.code, 2) << command << " " << out.text;
      EXPECT_TRUE(Has(out.text, "--db " + path + ": " + why + ", not a kopt results database"))
          << out.text;
    }
    EXPECT_EQ(bytes(path), before) << path;
    EXPECT_FALSE(fs::exists(path + "-wal")) << path;
  }
  // A writing command's store refuses the foreign file too (the empty one it may initialize).
  std::string before = bytes(other);
  EXPECT_THROW(Store(other, Store::OpenMode::kCreate), StoreError);
  EXPECT_EQ(bytes(other), before);
  EXPECT_NO_THROW(Store(empty, Store::OpenMode::kCreate));
}

TEST(StoreCliErrorsTest, EvalWithoutADriverFailsCleanlyAndLeavesNoDatabase) {
  if (DriverAvailable()) GTEST_SKIP() << "this machine has a GPU driver";
  TempDir dir;
  std::string db = dir.File("eval.db");
  Output out = Kopt("--db " + db + " eval transpose_fp32 " + std::string(KOPT_SOURCE_DIR) +
                    "/tasks/quick/transpose_fp32/starter.cu --force");
  EXPECT_EQ(out.code, 1) << out.text;
  EXPECT_TRUE(Has(out.text, "no CUDA driver")) << out.text;
  EXPECT_FALSE(fs::exists(db)) << "nothing was measured, so nothing was recorded";
}

}  // namespace
}  // namespace kopt
