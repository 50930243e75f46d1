// SPDX-License-Identifier: Apache-2.0
// `kopt optimize` end to end without a GPU: kopt_fake_gpu (kopt's own command code with a fake
// evaluator whose verdict depends only on the candidate's source, tests/support/kopt_fake_gpu.cpp)
// and the fake LLM server on loopback, scripted to answer with a fast kernel, a wrong one and one
// that does not compile, which its repair fixes. The run is stored, the shipped kopt binary's
// leaderboard shows the fast kernel, the summary prints, and the same command again is answered
// from the store: no LLM request and no evaluation.
#include "results/store.h"
#include "tests/support/e2e_text.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

namespace kopt {
namespace {

using testing::CopyKernel;
using testing::Fenced;
using testing::Has;
using testing::ReadAll;

namespace fs = std::filesystem;
using testing::FakeLlmServer;
using testing::Output;
using testing::RunKopt;
using testing::RunProgram;

std::size_t Lines(const fs::path& path) {
  std::string text = ReadAll(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The row of the winner in a leaderboard without its candidate and evaluation ids, which depend
// on the order in which concurrent evaluations were stored: each digit of them becomes '#'.
std::string MaskIds(const std::string& text) {
  static const std::regex kLastField("( )([0-9]+)( \\|)?$");  // table and Markdown: the candidate
  static const std::regex kCsvIds("^([^,]*,[^,]*,[^,]*,[^,]*,)([0-9]+),([0-9]+),");
  std::istringstream lines(text);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (Has(line, "copy_chunked")) {
      std::smatch m;
      if (std::regex_search(line, m, kCsvIds)) {
        line = m[1].str() + std::string(m[2].length(), '#') + "," +
               std::string(m[3].length(), '#') + "," + m.suffix().str();
      } else if (std::regex_search(line, m, kLastField)) {
        line = m.prefix().str() + " " + std::string(m[2].length(), '#') + m[3].str();
      }
    }
    out += line + "\n";
  }
  return out;
}

class OptimizeCpuTest : public ::testing::Test {
 protected:
  OptimizeCpuTest() {
    char dir_template[] = "/tmp/kopt-optimize-cpu-XXXXXX";
    if (::mkdtemp(dir_template)) dir_ = dir_template;
  }
  ~OptimizeCpuTest() override {
    if (!std::getenv("KOPT_KEEP_TEST_DIR")) fs::remove_all(dir_);
  }

  Output FakeGpuKopt(const std::string& args) {
    return RunProgram(KOPT_FAKE_GPU, args, "2>&1",
                      "KOPT_FAKE_EVALUATIONS=" + evaluations().string());
  }
  fs::path evaluations() const { return dir_ / "evaluations.log"; }
  fs::path requests() const { return dir_ / "requests.jsonl"; }
  std::string db() const { return (dir_ / "kopt.db").string(); }
  std::string suite() const { return std::string(KOPT_SOURCE_DIR) + "/tests/data/suites/tiny"; }

  // Starts the fake LLM server with the script of the search: a plan, then the three kernels in
  // the order the code prompts arrive, then the repair of the one that does not compile; a
  // replayed step (another task's schedule) always gets the same kernel. Returns
  // the optimize command line that uses it.
  std::string StartScriptedServer() {
    nlohmann::json script = {
        {"responses",
         {{{"match", "Where the plan comes from"},
           {"text", Fenced(CopyKernel("copy_replayed", "// LAT=0.2"))},
           {"times", 0}},
          {{"match", "In this step you plan one optimization"},
           {"text",
            "Option: mem.coalescing\nPlan: make consecutive threads copy consecutive "
            "elements with a grid-stride loop."},
           {"times", 0}},
          {{"match", "failed kopt's evaluation"},
           {"text", Fenced(CopyKernel("copy_repaired", "// LAT=0.8"))},
           {"times", 0}},
          {{"match", "Write the new version of the kernel"},
           {"text", Fenced(CopyKernel("copy_wrong", "// STATUS=wrong_answer"))}},
          {{"match", "Write the new version of the kernel"},
           {"text", Fenced(CopyKernel("copy_broken", "// STATUS=compile_error"))}},
          {{"match", "Write the new version of the kernel"},
           {"text", Fenced(CopyKernel("copy_fast", "// LAT=0.25"))}}}}};
    std::ofstream(dir_ / "script.json") << script.dump(2);
    server_ = std::make_unique<FakeLlmServer>(
        KOPT_FAKE_LLM_SERVER, std::vector<std::string>{"--script", (dir_ / "script.json").string(),
                                                       "--request-log", requests().string()});
    return "--db " + db() + " optimize --suite " + suite() + " --model openai:scripted@" +
           server_->openai_url() +
           " --beam 1 --plans 1 --impls 3 --iterations 1 --tune 0 --no-torch";
  }

  fs::path dir_;
  std::unique_ptr<FakeLlmServer> server_;
};

// --verbose: a line per evaluated kernel, with what it gave; --quiet: no progress at all, the
// summary only; by default (not a terminal) a line per task and iteration, and one when it ends.
TEST_F(OptimizeCpuTest, ProgressIsQuietOrVerboseOnRequest) {
  ASSERT_FALSE(dir_.empty());
  Output verbose = FakeGpuKopt(StartScriptedServer() + " --verbose");
  ASSERT_EQ(verbose.code, 0) << verbose.text;
  EXPECT_TRUE(Has(verbose.text, "copy_chunked it 1 llm [mem.coalescing]: correct 0.2500 ms, "))
      << verbose.text;
  EXPECT_TRUE(Has(verbose.text, "copy_chunked it 1 llm [mem.coalescing]: wrong_answer\n"))
      << verbose.text;
  EXPECT_TRUE(Has(verbose.text, "copy_chunked it 0 reference: correct")) << verbose.text;
  EXPECT_TRUE(Has(verbose.text, "copy_chunked done: ")) << verbose.text;
  EXPECT_TRUE(Has(verbose.text, "[##########..........] it 1/1") ||
              Has(verbose.text, "[####################] it 1/1"))
      << verbose.text;

  std::string tune_only = "--db " + (dir_ / "quiet.db").string() + " optimize --suite " + suite() +
                          " --iterations 1 --no-torch";
  Output quiet = FakeGpuKopt(tune_only + " --quiet");
  ASSERT_EQ(quiet.code, 0) << quiet.text;
  EXPECT_FALSE(Has(quiet.text, "copy_chunked it ")) << quiet.text;
  EXPECT_FALSE(Has(quiet.text, "copy_chunked done: ")) << quiet.text;
  EXPECT_TRUE(Has(quiet.text, "task                           best by")) << "the summary";
  Output both = FakeGpuKopt(tune_only + " --quiet --verbose");
  EXPECT_EQ(both.code, 2) << both.text;
}

TEST_F(OptimizeCpuTest, TheFastKernelWinsAndTheSameCommandAgainIsAnsweredFromTheStore) {
  ASSERT_FALSE(dir_.empty());
  std::string command = StartScriptedServer();
  Output out = FakeGpuKopt(command);
  ASSERT_EQ(out.code, 0) << out.text;

  // What the command printed: the run, the models, the summary with the winner.
  EXPECT_TRUE(Has(out.text, "kopt optimize: 1 task of suite " + suite() + " on Fake GPU, run 1\n"))
      << out.text;
  EXPECT_TRUE(Has(out.text, "plans by openai:scripted@" + server_->openai_url())) << out.text;
  EXPECT_TRUE(Has(out.text, "task                           best by      latency")) << out.text;
  // The HTML report beside the store (report_test.cpp checks what is in one).
  fs::path report = dir_ / "kopt-report.html";
  EXPECT_TRUE(Has(out.text, "report: " + report.string() + "\n")) << out.text;
  EXPECT_TRUE(Has(ReadAll(report), "copy_chunked")) << report;
  std::istringstream lines(out.text);
  std::string summary_row;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("copy_chunked ", 0) == 0) summary_row = line;
  }
  EXPECT_TRUE(Has(summary_row, " llm ")) << out.text;
  EXPECT_TRUE(Has(summary_row, "0.2500 ms")) << out.text;
  EXPECT_TRUE(Has(out.text, "GPU busy 0% of the time")) << out.text;
  EXPECT_TRUE(Has(out.text, "\nrun 1 ok; `kopt leaderboard` shows the best kernels")) << out.text;

  // The shipped kopt reads the run back: the fast kernel from the llm proposer leads.
  Output board = RunKopt("--db " + db() + " leaderboard --format json", "2>/dev/null");
  ASSERT_EQ(board.code, 0) << board.text;
  nlohmann::json j = nlohmann::json::parse(board.text);
  ASSERT_EQ(j["entries"].size(), 1u) << board.text;
  EXPECT_EQ(j["entries"][0]["task"], "copy_chunked");
  EXPECT_EQ(j["entries"][0]["device"], "Fake GPU");
  const nlohmann::json& best = j["entries"][0]["best"];
  ASSERT_TRUE(best.is_object()) << board.text;
  EXPECT_EQ(best["proposer"], "llm") << board.text;
  EXPECT_DOUBLE_EQ(best["median_ms"].get<double>(), 0.25) << board.text;
  Output shown =
      RunKopt("--db " + db() + " show " + std::to_string(best["candidate_id"].get<int>()));
  EXPECT_TRUE(Has(shown.text, "copy_fast")) << shown.text;
  EXPECT_TRUE(Has(shown.text, "grid-stride loop")) << "the plan is stored: " << shown.text;

  // Every proposal is stored with the status its source asked for, and the run as finished.
  {
    Store store(db(), Store::OpenMode::kExisting);
    std::map<std::string, std::string> statuses;
    store.WithDatabase([&](Database& d) {
      Query q = d.Prepare(
          "SELECT c.source, e.status FROM evaluations e JOIN candidates c ON c.id = "
          "e.candidate_id");
      while (q->Step()) {
        for (const char* name : {"copy_wrong", "copy_broken", "copy_fast", "copy_repaired"}) {
          if (Has(q->Text(0), name)) statuses[name] = q->Text(1);
        }
      }
      return 0;
    });
    EXPECT_EQ(statuses["copy_wrong"], "wrong_answer");
    EXPECT_EQ(statuses["copy_broken"], "compile_error");
    EXPECT_EQ(statuses["copy_fast"], "correct");
    EXPECT_EQ(statuses["copy_repaired"], "correct");
    std::vector<RunSummary> runs = store.ListRuns(0);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].run.status, "ok");
    EXPECT_EQ(runs[0].run.info.device, "Fake GPU");
  }

  // The same command again: a new run, every LLM call and evaluation answered from the store.
  std::size_t requests_before = Lines(requests());
  std::size_t evaluations_before = Lines(evaluations());
  EXPECT_GE(requests_before, 5u);     // a plan, three kernels, a repair
  EXPECT_GE(evaluations_before, 5u);  // the reference, four kernels (and the winner's sanitizer)
  Output again = FakeGpuKopt(command);
  ASSERT_EQ(again.code, 0) << again.text;
  EXPECT_TRUE(Has(again.text, "\nrun 2 ok;")) << again.text;
  EXPECT_EQ(Lines(requests()), requests_before) << "an LLM call was made again";
  EXPECT_EQ(Lines(evaluations()), evaluations_before) << "a kernel was evaluated again";
  Output board_again = RunKopt("--db " + db() + " leaderboard --format json", "2>/dev/null");
  EXPECT_EQ(nlohmann::json::parse(board_again.text)["entries"][0]["best"]["candidate_id"],
            best["candidate_id"]);
}

// The winner's schedule: recorded when the run ends, listed, shown with the alternatives that
// failed beside its step, exported, and imported into another store once; a tampered file is
// refused whole, naming the field, and the store keeps what it had.
TEST_F(OptimizeCpuTest, TheWinnersScheduleIsRecordedShownExportedAndImported) {
  ASSERT_FALSE(dir_.empty());
  Output out = FakeGpuKopt(StartScriptedServer());
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "1 new schedule of winning kernels: `kopt schedules`")) << out.text;

  Output list = RunKopt("--db " + db() + " schedules --format json", "2>&1");
  ASSERT_EQ(list.code, 0) << list.text;
  nlohmann::json schedules = nlohmann::json::parse(list.text);
  ASSERT_EQ(schedules.size(), 1u) << list.text;
  const nlohmann::json& s = schedules[0];
  EXPECT_EQ(s["task"]["name"], "copy_chunked");
  EXPECT_EQ(s["gpu"], "Fake GPU");
  EXPECT_EQ(s["origin"], "local");
  ASSERT_EQ(s["steps"].size(), 1u) << list.text;
  EXPECT_EQ(s["steps"][0]["option"], "mem.coalescing");
  EXPECT_TRUE(Has(s["steps"][0]["plan"].get<std::string>(), "grid-stride loop"));
  std::map<std::string, int> tried;
  for (const auto& a : s["steps"][0]["tried"]) tried[a["status"].get<std::string>()]++;
  EXPECT_EQ(tried["wrong_answer"], 1) << list.text;
  EXPECT_EQ(tried["compile_error"], 1) << list.text;

  std::string id = std::to_string(s["id"].get<int>());
  Output shown = RunKopt("--db " + db() + " schedules show " + id, "2>&1");
  ASSERT_EQ(shown.code, 0) << shown.text;
  EXPECT_TRUE(Has(shown.text, "copy_chunked")) << shown.text;
  EXPECT_TRUE(Has(shown.text, "mem.coalescing")) << shown.text;
  EXPECT_TRUE(Has(shown.text, "tried beside step 1:")) << shown.text;
  Output missing = RunKopt("--db " + db() + " schedules show 99", "2>&1");
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(Has(missing.text, "no schedule 99")) << missing.text;

  std::string file = (dir_ / "team.json").string();
  Output exported = RunKopt("--db " + db() + " schedules export " + file, "2>&1");
  ASSERT_EQ(exported.code, 0) << exported.text;
  EXPECT_TRUE(Has(exported.text, "1 schedule written to " + file)) << exported.text;

  std::string other = (dir_ / "other.db").string();
  Output imported = RunKopt("--db " + other + " schedules import " + file, "2>&1");
  ASSERT_EQ(imported.code, 0) << imported.text;
  EXPECT_TRUE(Has(imported.text, "1 of 1 schedules added")) << imported.text;
  Output again = RunKopt("--db " + other + " schedules import " + file, "2>&1");
  EXPECT_TRUE(Has(again.text, "0 of 1 schedules added")) << again.text;
  Output theirs = RunKopt("--db " + other + " schedules --format json", "2>&1");
  nlohmann::json imported_list = nlohmann::json::parse(theirs.text);
  ASSERT_EQ(imported_list.size(), 1u) << theirs.text;
  EXPECT_EQ(imported_list[0]["origin"], "imported");
  EXPECT_EQ(imported_list[0]["steps"], s["steps"]);

  nlohmann::json tampered = nlohmann::json::parse(ReadAll(file));
  tampered["schedules"].push_back(tampered["schedules"][0]);
  tampered["schedules"][1]["steps"][0]["option"] = "";
  std::ofstream(dir_ / "tampered.json") << tampered.dump();
  Output refused =
      RunKopt("--db " + other + " schedules import " + (dir_ / "tampered.json").string(), "2>&1");
  EXPECT_EQ(refused.code, 2) << refused.text;
  EXPECT_TRUE(Has(refused.text, "tampered.json: schedules[1]: steps[0].option: empty"))
      << refused.text;
  Output after = RunKopt("--db " + other + " schedules --format json", "2>&1");
  EXPECT_EQ(nlohmann::json::parse(after.text).size(), 1u) << after.text;

  // Ranked for a task: the same task on its architecture is fully similar; on another, not.
  std::string same = " schedules --for " + suite() + "/copy_chunked --format json --arch ";
  Output ranked = RunKopt("--db " + other + same + "sm_90a", "2>&1");
  ASSERT_EQ(ranked.code, 0) << ranked.text;
  nlohmann::json r = nlohmann::json::parse(ranked.text);
  ASSERT_EQ(r.size(), 1u) << ranked.text;
  EXPECT_DOUBLE_EQ(r[0]["similarity"]["score"].get<double>(), 1.0) << ranked.text;
  Output elsewhere = RunKopt("--db " + other + same + "sm_80", "2>&1");
  nlohmann::json e = nlohmann::json::parse(elsewhere.text);
  ASSERT_EQ(e.size(), 1u) << elsewhere.text;
  EXPECT_EQ(e[0]["similarity"]["score"].get<double>(), 0.0) << elsewhere.text;
  EXPECT_EQ(e[0]["similarity"]["reasons"][0], "made for sm_90a, this GPU is sm_80");
}

// Reuse: a schedule made on copy_chunked is replayed first on copy_wide (the same copy at twice
// the size): its step reaches the prompts before any plan of the new run, and the candidate is
// recorded as a replay. A run resumed after the store gained a better-ranked schedule replays
// what it chose when it began, so it sends no new request.
TEST_F(OptimizeCpuTest, ASimilarTaskReplaysTheScheduleFirstAndAResumedRunKeepsItsChoice) {
  ASSERT_FALSE(dir_.empty());
  std::string first = StartScriptedServer();
  ASSERT_EQ(FakeGpuKopt(first).code, 0);
  std::size_t first_requests = Lines(requests());
  std::string similar = std::string(KOPT_SOURCE_DIR) + "/tests/data/suites/tiny_similar";
  std::string second = first;
  second.replace(second.find(suite()), suite().size(), similar);

  Output out = FakeGpuKopt(second);
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "reuse: copy_wide replays schedule 1 (copy_chunked, 1 steps) first"))
      << out.text;
  std::vector<std::string> lines;
  {
    std::ifstream in(requests());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_GT(lines.size(), first_requests);
  const std::string& replayed = lines[first_requests];  // the new run's first request
  EXPECT_TRUE(Has(replayed, "Where the plan comes from")) << replayed;
  EXPECT_TRUE(Has(replayed, "copy_chunked on Fake GPU")) << replayed;
  EXPECT_TRUE(Has(replayed, "grid-stride loop")) << replayed;
  EXPECT_FALSE(Has(replayed, "In this step you plan one optimization")) << replayed;
  {
    Store store(db(), Store::OpenMode::kExisting);
    int replays = store.WithDatabase([](Database& d) {
      return static_cast<int>(
          d.QueryInt("SELECT count(*) FROM candidates WHERE proposer = "
                     "'replay' AND plan LIKE '%grid-stride loop%'"));
    });
    EXPECT_GE(replays, 1);
  }

  // A schedule that would rank first now (a third task, the same copy, a larger speedup), and
  // the second run marked unfinished: run again, it resumes and asks nothing new.
  std::string file = (dir_ / "ours.json").string();
  ASSERT_EQ(RunKopt("--db " + db() + " schedules export " + file + " --task copy_chunked").code, 0);
  nlohmann::json shared = nlohmann::json::parse(ReadAll(file));
  nlohmann::json& better = shared["schedules"][0];
  better["task"]["name"] = "copy_third";
  better["task"]["content_hash"] = std::string(64, 'a');
  better["speedup"] = 100.0;
  better["steps"][0]["plan"] = "A plan the resumed run must not ask about.";
  std::ofstream(dir_ / "better.json") << shared.dump();
  ASSERT_EQ(RunKopt("--db " + db() + " schedules import " + (dir_ / "better.json").string()).code,
            0);
  {
    Store store(db(), Store::OpenMode::kExisting);
    store.WithDatabase([](Database& d) {
      d.Exec("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = 2");
      return 0;
    });
  }
  std::size_t before = Lines(requests());
  Output resumed = FakeGpuKopt(second);
  ASSERT_EQ(resumed.code, 0) << resumed.text;
  EXPECT_TRUE(Has(resumed.text, "run 2 (resumed")) << resumed.text;
  EXPECT_TRUE(Has(resumed.text, "reuse: copy_wide replays schedule 1 (copy_chunked, 1 steps)"))
      << resumed.text;
  EXPECT_EQ(Lines(requests()), before) << "the resumed run sent a request";

  // A new run chooses again: the better schedule ranks first. copy_wide's own schedule (2, from
  // the replay's winner) is not replayed on copy_wide.
  Output fresh = FakeGpuKopt(second);
  EXPECT_TRUE(Has(fresh.text,
                  "reuse: copy_wide replays schedule 3 (copy_third, 1 steps), "
                  "schedule 1 (copy_chunked, 1 steps) first"))
      << fresh.text;
  Output off = FakeGpuKopt(second + " --no-reuse");
  EXPECT_FALSE(Has(off.text, "reuse:")) << off.text;
}

// Reuse by kernel transfer, with no LLM: copy_wide starts from copy_chunked's winner, which is
// correct there and wins; with --reuse none it does not.
TEST_F(OptimizeCpuTest, WithoutAnLlmASimilarTaskStartsFromTheWinnersKernel) {
  ASSERT_FALSE(dir_.empty());
  ASSERT_EQ(FakeGpuKopt(StartScriptedServer()).code, 0);
  std::string similar = std::string(KOPT_SOURCE_DIR) + "/tests/data/suites/tiny_similar";
  std::string second = "--db " + db() + " optimize --suite " + similar +
                       " --beam 1 --iterations 1 --tune 2 --no-torch";
  Output none = FakeGpuKopt(second + " --reuse none");
  ASSERT_EQ(none.code, 0) << none.text;
  EXPECT_FALSE(Has(none.text, "reuse:")) << none.text;

  Output out = FakeGpuKopt(second + " --reuse transfer");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text,
                  "reuse: copy_wide starts from copy_chunked's winner too (schedule 1, kernel "
                  "transfer)"))
      << out.text;
  EXPECT_FALSE(Has(out.text, "replays")) << out.text;
  Store store(db(), Store::OpenMode::kExisting);
  std::string winner = store.WithDatabase([](Database& d) {
    Query q = d.Prepare(
        "SELECT c.proposer || ' ' || c.plan || ' ' || instr(c.source, 'copy_fast') FROM "
        "evaluations e JOIN candidates c ON c.id = e.candidate_id JOIN tasks t ON t.id = "
        "c.task_id WHERE t.name = 'copy_wide' AND e.status = 'correct' AND e.run_id = 3 "
        "ORDER BY e.event_median_ms LIMIT 1");
    return q->Step() ? q->Text(0) : std::string();
  });
  EXPECT_TRUE(
      winner.starts_with("transfer Transfer: copy_chunked's winner on Fake GPU "
                         "(schedule 1, 40.00x), as it was ("))
      << winner;
  EXPECT_FALSE(winner.ends_with(" 0")) << "the winner is not copy_fast: " << winner;
}

// `kopt reuse`: one schedule carried over to a chosen task, and a table of what its step gave
// there; with a model the step is replayed (no planning call), without one the winner's kernel is
// transferred and tuned. An unknown schedule is a usage error that begins no run.
TEST_F(OptimizeCpuTest, ReuseCarriesOneScheduleOverAndReportsEachStep) {
  ASSERT_FALSE(dir_.empty());
  std::string first = StartScriptedServer();
  ASSERT_EQ(FakeGpuKopt(first).code, 0);
  std::size_t before = Lines(requests());
  std::string wide = std::string(KOPT_SOURCE_DIR) + "/tests/data/suites/tiny_similar/copy_wide";
  std::string url = first.substr(first.find("openai:scripted@"));
  url = url.substr(0, url.find(' '));

  Output missing = FakeGpuKopt("--db " + db() + " reuse --schedule 9 --task " + wide);
  EXPECT_EQ(missing.code, 2) << missing.text;
  EXPECT_TRUE(Has(missing.text, "--schedule: no schedule 9 in")) << missing.text;

  Output replayed = FakeGpuKopt("--db " + db() + " reuse --schedule 1 --task " + wide +
                                " --model " + url + " --no-torch");
  ASSERT_EQ(replayed.code, 0) << replayed.text;
  EXPECT_TRUE(Has(replayed.text, "kopt reuse: 1 task on Fake GPU, run 2")) << replayed.text;
  EXPECT_TRUE(Has(replayed.text, "Schedule 1 (copy_chunked on Fake GPU) here, step by step"))
      << replayed.text;
  // The replayed kernel (0.2 ms) over the reference kernel it was applied to (1 ms here).
  std::regex step_row("copy_wide +1 +1 mem.coalescing +[0-9.]+x +correct 1 of 1 +5.00x +50.00x");
  EXPECT_TRUE(std::regex_search(replayed.text, step_row)) << replayed.text;
  std::vector<std::string> lines;
  {
    std::ifstream in(requests());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), before + 1) << "one code prompt for the one step, no planning call";
  EXPECT_TRUE(Has(lines.back(), "Where the plan comes from")) << lines.back();

  Output transferred = FakeGpuKopt("--db " + db() + " reuse --schedule 1 --task " + wide +
                                   " --tune 2 --iterations 1 --no-torch");
  ASSERT_EQ(transferred.code, 0) << transferred.text;
  EXPECT_EQ(Lines(requests()), before + 1) << "no model, no request";
  std::regex transfer_row("copy_wide +0 +winner +40.00x +correct 1 of 1 +[0-9.]+x +40.00x");
  EXPECT_TRUE(std::regex_search(transferred.text, transfer_row)) << transferred.text;
}

// `kopt prompt` renders, with no GPU and no LLM, exactly the prompts the search sent: the plan
// prompt about the reference, the implementation prompt for the plan the model answered, and
// the repair prompt for the kernel that did not compile (measurements read from the store).
TEST_F(OptimizeCpuTest, KoptPromptRendersExactlyWhatTheSearchSent) {
  ASSERT_FALSE(dir_.empty());
  ASSERT_EQ(FakeGpuKopt(StartScriptedServer()).code, 0);
  std::map<std::string, std::string> sent;  // the first prompt of each kind
  {
    std::ifstream in(requests());
    for (std::string line; std::getline(in, line);) {
      std::string prompt = nlohmann::json::parse(line)["body"]["messages"][0]["content"];
      std::string kind = Has(prompt, "failed kopt's evaluation")                 ? "repair"
                         : Has(prompt, "In this step you plan one optimization") ? "plan"
                                                                                 : "implement";
      if (kind != "repair" || Has(prompt, "copy_broken")) sent.emplace(kind, prompt);
    }
  }
  ASSERT_EQ(sent.size(), 3u);  // the first plan and code prompts, the broken kernel's repair
  std::string plan_file = (dir_ / "plan.txt").string();
  std::ofstream(plan_file) << "Option: mem.coalescing\nPlan: make consecutive threads copy "
                              "consecutive elements with a grid-stride loop.";
  std::string broken = (dir_ / "broken.cu").string();
  std::ofstream(broken) << CopyKernel("copy_broken", "// STATUS=compile_error");
  std::string task = suite() + "/copy_chunked";
  std::string base = "--db " + db() + " prompt " + task + " --iterations 1 ";
  std::map<std::string, std::string> args = {
      {"plan", ""},
      {"implement", "--kind implement --plan " + plan_file},
      {"repair", "--kind repair --plan " + plan_file + " --candidate " + broken}};
  for (const auto& [kind, extra] : args) {
    Output shown = RunKopt(base + extra, "2>/dev/null");
    ASSERT_EQ(shown.code, 0) << kind << ": " << shown.text;
    EXPECT_EQ(shown.text, sent[kind] + (sent[kind].ends_with("\n") ? "" : "\n")) << kind;
  }
  Output no_plan = RunKopt(base + "--kind implement", "2>&1");
  EXPECT_EQ(no_plan.code, 2);
  EXPECT_TRUE(Has(no_plan.text, "--kind implement needs --plan FILE")) << no_plan.text;
}

// The menu's record after a run: the option the plan named, its kernels and their verdicts.
TEST_F(OptimizeCpuTest, MenuStatisticsCountTheRunsPlansAndVerdicts) {
  ASSERT_FALSE(dir_.empty());
  Output out = FakeGpuKopt(StartScriptedServer());
  ASSERT_EQ(out.code, 0) << out.text;
  Output stats = RunKopt("--db " + db() + " menus --stats --format json", "2>&1");
  ASSERT_EQ(stats.code, 0) << stats.text;
  nlohmann::json j = nlohmann::json::parse(stats.text);
  ASSERT_EQ(j.size(), 1u) << stats.text;
  EXPECT_EQ(j[0]["option"], "mem.coalescing");
  EXPECT_EQ(j[0]["device"], "Fake GPU");
  EXPECT_EQ(j[0]["planned"], 1) << stats.text;
  EXPECT_GE(j[0]["kernels"].get<int>(), 3) << stats.text;
  EXPECT_LT(j[0]["compiled"].get<int>(), j[0]["kernels"].get<int>()) << stats.text;
  EXPECT_LT(j[0]["correct"].get<int>(), j[0]["compiled"].get<int>()) << stats.text;
  // Over the reference as the fake measures it (1 ms): copy_fast 0.25 ms (4x), the repaired
  // kernel 0.8 ms (1.25x).
  EXPECT_NEAR(j[0]["median_gain"].get<double>(), (4 + 1.25) / 2, 1e-9) << stats.text;
  EXPECT_EQ(j[0]["improved"], 2) << stats.text;

  Output table = RunKopt("--db " + db() + " menus --stats", "2>&1");
  EXPECT_TRUE(Has(table.text, "mem.coalescing")) << table.text;
  Output misused = RunKopt("menus --gpu h100", "2>&1");
  EXPECT_EQ(misused.code, 2) << misused.text;
  EXPECT_TRUE(Has(misused.text, "--gpu and --model go with --stats")) << misused.text;
}

// --menu-weights learned: the weights come from the record of the runs before this one, so a
// resumed run weighs the menu as it did the first time although the store gained kernels since;
// uniform dropout prints nothing of the kind. (The ranking itself: menu_weights_test.)
TEST_F(OptimizeCpuTest, LearnedMenuWeightsComeFromTheRecordBeforeTheRun) {
  ASSERT_FALSE(dir_.empty());
  std::string first = StartScriptedServer();
  Output uniform = FakeGpuKopt(first);
  ASSERT_EQ(uniform.code, 0) << uniform.text;
  EXPECT_FALSE(Has(uniform.text, "menu weights:")) << uniform.text;
  std::string second = first + " --seed 2 --menu-weights learned";
  Output learned = FakeGpuKopt(second);
  ASSERT_EQ(learned.code, 0) << learned.text;
  std::regex line(
      "menu weights: data_movement, learned from ([0-9]+) kernels on this GPU; "
      "most shown: [^\\n]*");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(learned.text, m, line)) << learned.text;
  EXPECT_GT(std::stoi(m[1].str()), 0);
  std::string weights = m[0].str();
  {
    // Run 2 left unfinished, with one more LLM kernel of its own in the record.
    Store store(db(), Store::OpenMode::kExisting);
    std::int64_t llm_row = store.WithDatabase([](Database& d) {
      d.Exec("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = 2");
      return d.QueryInt("SELECT min(id) FROM candidates WHERE proposer = 'llm'");
    });
    NewCandidate more = store.GetCandidate(llm_row)->candidate;
    std::optional<EvaluationRecord> verdict = store.FindEvaluation(
        store.GetTask(more.task_id)->content_hash, more.key, "Fake GPU", false);
    ASSERT_TRUE(verdict);
    more.run_id = 2;
    more.source += "// one more\n";
    more.key = std::string(64, 'b');
    store.RecordEvaluation({store.AddCandidate(more), 2, "Fake GPU", true, verdict->result});
  }
  Output resumed = FakeGpuKopt(second);
  ASSERT_EQ(resumed.code, 0) << resumed.text;
  EXPECT_TRUE(Has(resumed.text, "run 2 (resumed")) << resumed.text;
  EXPECT_TRUE(Has(resumed.text, weights)) << resumed.text;
  Output stats = RunKopt("--db " + db() + " menus --stats --format json", "2>&1");
  EXPECT_EQ(nlohmann::json::parse(stats.text)[0]["kernels"], std::stoi(m[1].str()) + 1)
      << "the record did grow: " << stats.text;
}

// The search's summary table and the leaderboard in every text format, as golden files in
// tests/data/golden/cli/. After changing one on purpose, regenerate them with
//   KOPT_UPDATE_GOLDEN=1 build/tests/e2e/optimize_cpu_e2e_test --gtest_filter='*Golden*'
// and review the diff like code.
TEST_F(OptimizeCpuTest, TheSummaryAndTheLeaderboardMatchTheirGoldenFiles) {
  ASSERT_FALSE(dir_.empty());
  Output out = FakeGpuKopt(StartScriptedServer());
  ASSERT_EQ(out.code, 0) << out.text;
  // The summary's table: from its header to the blank line after it (the wall time varies).
  std::size_t from = out.text.find("\ntask ");
  ASSERT_NE(from, std::string::npos) << out.text;
  std::size_t to = out.text.find("\n\n", from + 1);
  std::map<std::string, std::string> outputs = {
      {"optimize_summary.txt", out.text.substr(from + 1, to - from)}};
  for (const auto& [format, file] :
       std::map<std::string, std::string>{{"table", "leaderboard.txt"},
                                          {"markdown", "leaderboard.md"},
                                          {"csv", "leaderboard.csv"}}) {
    Output board = RunKopt("--db " + db() + " leaderboard --format " + format, "2>&1");
    ASSERT_EQ(board.code, 0) << board.text;
    outputs[file] = MaskIds(board.text);
  }
  const std::string golden = std::string(KOPT_SOURCE_DIR) + "/tests/data/golden/cli/";
  for (const auto& [file, text] : outputs) {
    if (std::getenv("KOPT_UPDATE_GOLDEN")) {
      fs::create_directories(golden);
      std::ofstream(golden + file, std::ios::binary) << text;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden + file)) << file << " is missing; run with KOPT_UPDATE_GOLDEN=1";
    EXPECT_EQ(text, ReadAll(golden + file))
        << file << " changed; if on purpose, regenerate (see this test's comment)";
  }
}

TEST_F(OptimizeCpuTest, TheJsonSummaryNamesTheWinner) {
  ASSERT_FALSE(dir_.empty());
  // Without an LLM: the tune proposer alone, over a reference without tunables.
  Output out = FakeGpuKopt("--db " + db() + " optimize --suite " + suite() +
                           " --iterations 1 --no-torch --format json");
  ASSERT_EQ(out.code, 0) << out.text;
  nlohmann::json j = nlohmann::json::parse(out.text.substr(out.text.find("\n{") + 1));
  EXPECT_EQ(j["device"], "Fake GPU");
  EXPECT_EQ(j["run_id"], 1);
  ASSERT_EQ(j["tasks"].size(), 1u);
  EXPECT_EQ(j["tasks"][0]["task"], "copy_chunked");
  EXPECT_EQ(j["tasks"][0]["best"]["proposer"], "reference");
}

// --gpus 0,1: each fake GPU behind kopt's GpuPool, as the real ones are. Both GPUs evaluate, the
// summary gives each one's busy share, and the winners are those of the same search on one GPU
// (the fake's verdicts depend on the kernel alone).
TEST_F(OptimizeCpuTest, TwoGpusShareTheTasksAndFindTheSameWinners) {
  ASSERT_FALSE(dir_.empty());
  fs::path two_tasks = dir_ / "two_tasks";
  fs::create_directories(two_tasks);
  const fs::path data = fs::path(KOPT_SOURCE_DIR) / "tests/data/suites";
  fs::copy(data / "tiny/copy_chunked", two_tasks / "copy_chunked", fs::copy_options::recursive);
  fs::copy(data / "tiny_similar/copy_wide", two_tasks / "copy_wide", fs::copy_options::recursive);
  auto search = [&](const std::string& db, const std::string& gpus) {
    Output out =
        FakeGpuKopt("--db " + (dir_ / db).string() + " optimize --suite " + two_tasks.string() +
                    " --iterations 2 --no-torch --format json" + gpus);
    EXPECT_EQ(out.code, 0) << out.text;
    return nlohmann::json::parse(out.text.substr(out.text.find("\n{") + 1));
  };
  nlohmann::json one = search("one.db", "");
  fs::remove(evaluations());
  nlohmann::json two = search("two.db", " --gpus 0,1");
  EXPECT_EQ(two["gpus"], nlohmann::json({0, 1}));
  EXPECT_EQ(two["gpu_busy_fractions"].size(), 2u);
  std::string log = ReadAll(evaluations());
  EXPECT_TRUE(Has(log, " gpu 0\n")) << log;
  EXPECT_TRUE(Has(log, " gpu 1\n")) << log;
  ASSERT_EQ(one["tasks"].size(), 2u);
  ASSERT_EQ(two["tasks"].size(), 2u);
  for (std::size_t t = 0; t < 2; ++t) {
    const nlohmann::json &a = one["tasks"][t], &b = two["tasks"][t];
    EXPECT_EQ(b["task"], a["task"]);
    ASSERT_TRUE(a["best"].contains("key")) << a.dump();
    EXPECT_EQ(b["best"]["key"], a["best"]["key"]);
    EXPECT_EQ(b["best"]["result"]["timing"]["event_ms"]["median"],
              a["best"]["result"]["timing"]["event_ms"]["median"]);
    EXPECT_EQ(b["candidates"], a["candidates"]);
  }
}

// A usage error that only the combination of flags shows is reported before the evaluator starts
// or the store is touched.
TEST_F(OptimizeCpuTest, NothingToProposeIsAUsageErrorBeforeTheStoreIsTouched) {
  ASSERT_FALSE(dir_.empty());
  Output out = FakeGpuKopt("--db " + db() + " optimize --suite " + suite() + " --tune 0");
  EXPECT_EQ(out.code, 2) << out.text;
  EXPECT_TRUE(Has(out.text, "--tune 0 without --model leaves nothing to propose")) << out.text;
  EXPECT_FALSE(fs::exists(db())) << "a run was recorded for a command that could not start";
}

}  // namespace
}  // namespace kopt
