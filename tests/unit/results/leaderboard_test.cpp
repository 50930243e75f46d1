// SPDX-License-Identifier: Apache-2.0
// The leaderboard on handmade data: ties, failures, suspicious results, re-evaluations, several
// GPUs and suites, filters, costs, fast_p and geometric means.
#include "results/leaderboard.h"

#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kopt {
namespace {

using testing::CandidateSource;
using testing::CorrectResult;
using testing::FailedResult;
using testing::MakeTask;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";
const std::string kA100 = "NVIDIA A100-SXM4-80GB";

class LeaderboardTest : public ::testing::Test {
 protected:
  LeaderboardTest() : store_(dir_.File("kopt.db")) {}

  std::int64_t Task(const std::string& name, const std::string& suite, int version = 1) {
    return store_.AddTask(MakeTask(name, suite, version), suite);
  }

  // A candidate `variant` of the task, proposed by an LLM, with parent the reference.
  std::int64_t Candidate(std::int64_t task_id, int variant) {
    NewCandidate c = testing::TestCandidate(task_id, CandidateSource(variant), {}, "llm");
    c.run_id = run1_;
    c.parent_id = store_.ReferenceCandidate(task_id);
    c.model = "model-" + std::to_string(variant);
    return store_.AddCandidate(c);
  }

  std::int64_t Eval(std::int64_t candidate, const EvalResult& r, std::int64_t run) {
    return store_.RecordEvaluation({candidate, run, "", true, r});
  }

  const LeaderboardEntry& Entry(const Leaderboard& b, const std::string& task,
                                const std::string& device) {
    for (const auto& e : b.entries) {
      if (e.task == task && e.device == device) return e;
    }
    ADD_FAILURE() << "no entry for " << task << " on " << device;
    return b.entries.front();
  }

  const SuiteSummary& Summary(const Leaderboard& b, const std::string& suite,
                              const std::string& device) {
    for (const auto& s : b.summaries) {
      if (s.suite == suite && s.device == device) return s;
    }
    ADD_FAILURE() << "no summary for " << suite << " on " << device;
    return b.summaries.front();
  }

  // The handmade data set; ids of the winners are kept for the assertions.
  void Fill() {
    a_ = Task("reduce_a", "s1");
    b_ = Task("reduce_b", "s1");
    c_ = Task("reduce_c", "s1");
    d_ = Task("reduce_d", "s2");

    // reduce_a on the H100: v2 is the fastest correct kernel; v3 is faster but wrong; v4 is
    // faster still but beyond the roofline; v5 was fastest until its re-evaluation failed.
    Eval(Candidate(a_, 1), CorrectResult(kH100, 0.50, 1.0), run1_);
    a_best_h100_ = Candidate(a_, 2);
    Eval(a_best_h100_, CorrectResult(kH100, 0.40, 1.0), run1_);
    Eval(Candidate(a_, 3), FailedResult(kH100, EvalStatus::kWrongAnswer), run1_);
    Eval(Candidate(a_, 4), CorrectResult(kH100, 0.05, 1.0, 0, /*suspicious=*/true), run1_);
    std::int64_t flaky = Candidate(a_, 5);
    Eval(flaky, CorrectResult(kH100, 0.30, 1.0), run1_);
    Eval(flaky, FailedResult(kH100, EvalStatus::kWrongAnswer), run1_);
    // reduce_a on the A100 (another run): a different winner.
    a_best_a100_ = Candidate(a_, 1);
    Eval(a_best_a100_, CorrectResult(kA100, 0.8, 2.0), run2_);
    Eval(Candidate(a_, 2), CorrectResult(kA100, 1.0, 2.0), run2_);

    // reduce_b: an exact tie goes to the earlier evaluation; it has a vendor baseline.
    b_best_ = Candidate(b_, 1);
    Eval(b_best_, CorrectResult(kH100, 0.30, 0.6, 0.45), run1_);
    Eval(Candidate(b_, 2), CorrectResult(kH100, 0.30, 0.6, 0.45), run1_);

    // reduce_c: nothing correct.
    Eval(Candidate(c_, 1), FailedResult(kH100, EvalStatus::kCompileError), run1_);
    Eval(Candidate(c_, 2), FailedResult(kH100, EvalStatus::kTimeout), run1_);

    // reduce_d: equal medians, the tighter upper tail wins.
    Eval(Candidate(d_, 1), CorrectResult(kH100, 0.30, 0.33), run1_);
    EvalResult tight = CorrectResult(kH100, 0.30, 0.33);
    tight.timing->event_ms.p90 -= 0.001;
    d_best_ = Candidate(d_, 2);
    Eval(d_best_, tight, run1_);

    // LLM cost: two priced calls and one without a price on reduce_a, one on reduce_b.
    LlmCallRecord call;
    call.cache_key = "k";
    call.provider = "openai";
    call.model = "model-1";
    call.cost_usd = 0.5;
    store_.RecordLlmCall(call, {run1_, a_, "plan"});
    call.cost_usd = 0.25;
    store_.RecordLlmCall(call, {run2_, a_, "code"});
    call.cost_usd.reset();
    store_.RecordLlmCall(call, {run2_, a_, "code"});
    call.cost_usd = 1.0;
    store_.RecordLlmCall(call, {run1_, b_, "plan"});
  }

  TempDir dir_;
  Store store_;
  std::int64_t run1_ = store_.BeginRun(RunInfo{"optimize"});
  std::int64_t run2_ = store_.BeginRun(RunInfo{"optimize"});
  std::int64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0;
  std::int64_t a_best_h100_ = 0, a_best_a100_ = 0, b_best_ = 0, d_best_ = 0;
};

TEST_F(LeaderboardTest, AnEmptyStoreHasAnEmptyBoard) {
  Leaderboard board = QueryLeaderboard(store_, {});
  EXPECT_TRUE(board.entries.empty());
  EXPECT_TRUE(board.summaries.empty());
}

TEST_F(LeaderboardTest, PicksTheFastestCorrectKernelPerTaskAndGpu) {
  Fill();
  Leaderboard board = QueryLeaderboard(store_, {});
  ASSERT_EQ(board.entries.size(), 5u);
  // Sorted by suite, task, device.
  EXPECT_EQ(board.entries[0].task, "reduce_a");
  EXPECT_EQ(board.entries[0].device, kA100);
  EXPECT_EQ(board.entries[4].task, "reduce_d");

  const LeaderboardEntry& a = Entry(board, "reduce_a", kH100);
  ASSERT_TRUE(a.best);
  EXPECT_EQ(a.best->candidate_id, a_best_h100_);
  EXPECT_DOUBLE_EQ(a.best->event_ms.median, 0.40);
  EXPECT_DOUBLE_EQ(*a.best->reference_median_ms, 1.0);
  EXPECT_NEAR(a.best->speedup->value, 2.5, 1e-9);
  EXPECT_LT(a.best->speedup->low, 2.5);
  EXPECT_EQ(a.best->proposer, "llm");
  EXPECT_EQ(a.best->model, "model-2");
  EXPECT_EQ(a.best->run_id, run1_);
  EXPECT_NEAR(*a.best->roofline_fraction, 0.01 / 0.40, 1e-12);
  EXPECT_EQ(a.best->roofline_bound, "memory");
  EXPECT_FALSE(a.best->baseline_speedup);
  EXPECT_EQ(a.kernels, 5);
  EXPECT_EQ(a.correct_kernels, 3) << "v1, v2 and the suspicious v4; v5 failed its latest check";
  EXPECT_EQ(a.suspicious_excluded, 1);
  EXPECT_DOUBLE_EQ(a.cost_usd, 0.75);
  EXPECT_EQ(a.llm_calls, 3);
  EXPECT_EQ(a.unpriced_llm_calls, 1);

  const LeaderboardEntry& a100 = Entry(board, "reduce_a", kA100);
  ASSERT_TRUE(a100.best);
  EXPECT_EQ(a100.best->candidate_id, a_best_a100_);
  EXPECT_EQ(a100.best->run_id, run2_);

  const LeaderboardEntry& b = Entry(board, "reduce_b", kH100);
  ASSERT_TRUE(b.best);
  EXPECT_EQ(b.best->candidate_id, b_best_) << "an exact tie goes to the earlier evaluation";
  EXPECT_EQ(b.best->baseline_name, "cuBLASLt test");
  EXPECT_NEAR(b.best->baseline_speedup->value, 1.5, 1e-9);
  EXPECT_DOUBLE_EQ(*b.best->baseline_median_ms, 0.45);

  const LeaderboardEntry& c = Entry(board, "reduce_c", kH100);
  EXPECT_FALSE(c.best) << "failures are listed, with no winner";
  EXPECT_EQ(c.kernels, 2);
  EXPECT_EQ(c.correct_kernels, 0);

  EXPECT_EQ(Entry(board, "reduce_d", kH100).best->candidate_id, d_best_);
}

TEST_F(LeaderboardTest, ASuspiciousResultNeverWinsUntilARecheckClearsIt) {
  std::int64_t task = Task("reduce_a", "s1");
  std::int64_t honest = Candidate(task, 1);
  Eval(honest, CorrectResult(kH100, 0.5, 1.0), run1_);
  std::int64_t too_fast = Candidate(task, 2);
  Eval(too_fast, CorrectResult(kH100, 0.01, 1.0, 0, true), run1_);
  LeaderboardEntry e = QueryLeaderboard(store_, {}).entries.at(0);
  EXPECT_EQ(e.best->candidate_id, honest);
  EXPECT_EQ(e.suspicious_excluded, 1);
  // Only suspicious results: no winner, and the board says why.
  std::int64_t other = Task("reduce_b", "s1");
  Eval(Candidate(other, 1), CorrectResult(kH100, 0.01, 1.0, 0, true), run1_);
  LeaderboardEntry only = QueryLeaderboard(store_, {"", "reduce_b"}).entries.at(0);
  EXPECT_FALSE(only.best);
  EXPECT_EQ(only.suspicious_excluded, 1);
  // A later evaluation of the same kernel within the roofline replaces the suspicious one.
  Eval(too_fast, CorrectResult(kH100, 0.2, 1.0), run1_);
  e = QueryLeaderboard(store_, {"", "reduce_a"}).entries.at(0);
  EXPECT_EQ(e.best->candidate_id, too_fast);
  EXPECT_EQ(e.suspicious_excluded, 0);
}

TEST_F(LeaderboardTest, SaysWhetherTheWinnersLatestEvaluationWasSanitizedClean) {
  std::int64_t task = Task("reduce_a", "s1");
  std::int64_t kernel = Candidate(task, 1);
  Eval(kernel, CorrectResult(kH100, 0.5, 1.0), run1_);
  EXPECT_FALSE(QueryLeaderboard(store_, {}).entries.at(0).best->sanitized);
  EvalResult checked = CorrectResult(kH100, 0.5, 1.0);
  checked.sanitizer = SanitizerReport{true, "", {{"memcheck"}, {"racecheck"}}, 2000};
  Eval(kernel, checked, run1_);
  LeaderboardEntry e = QueryLeaderboard(store_, {}).entries.at(0);
  EXPECT_TRUE(e.best->sanitized);
  EXPECT_EQ(ToJson(e)["best"]["sanitized"], true);
  // Not found by the tool: recorded as not run, so not sanitized.
  checked.sanitizer = SanitizerReport{false, "compute-sanitizer not found", {}, 0};
  Eval(kernel, checked, run1_);
  EXPECT_FALSE(QueryLeaderboard(store_, {}).entries.at(0).best->sanitized);
}

TEST_F(LeaderboardTest, WinnersAreComparedWithTheNewestPyTorchBaselinesOfTheirTaskAndGpu) {
  std::int64_t a = Task("reduce_a", "s1");
  std::int64_t b = Task("reduce_b", "s1");
  std::int64_t c = Task("reduce_c", "s1");
  Eval(Candidate(a, 1), CorrectResult(kH100, 0.5, 1.0), run1_);
  Eval(Candidate(b, 1), CorrectResult(kH100, 0.5, 1.0), run1_);
  Eval(Candidate(c, 1), FailedResult(kH100, EvalStatus::kWrongAnswer), run1_);
  auto torch = [&](std::int64_t task, const std::string& mode, double median_ms) {
    TorchBaselineRecord r;
    r.task_id = task;
    r.device = kH100;
    r.mode = mode;
    r.python_version = "3.12.3";
    r.torch_version = "2.9.0";
    r.triton_version = "3.5.0";
    if (median_ms > 0) {
      r.event_ms = kopt::Summary{median_ms,         median_ms * 0.99, median_ms * 1.01, median_ms,
                                 median_ms * 0.005, median_ms * 0.98, median_ms * 1.02, 200};
    } else {
      r.error = "the expression raised ZeroDivisionError";
    }
    store_.RecordTorchBaseline(r);
  };
  torch(a, "eager", 2.0);    // the winner is 4x faster than eager
  torch(a, "compile", 0.4);  // and slower than torch.compile
  torch(b, "eager", 0.5);    // no faster than eager
  torch(b, "compile", 0);    // torch.compile failed
  torch(c, "eager", 1.0);    // nothing correct on c yet

  Leaderboard board = QueryLeaderboard(store_, {});
  const LeaderboardEntry& ea = Entry(board, "reduce_a", kH100);
  ASSERT_TRUE(ea.best->eager_speedup && ea.best->compile_speedup);
  EXPECT_NEAR(ea.best->eager_speedup->value, 4.0, 0.01);
  EXPECT_GT(ea.best->eager_speedup->low, 3.9);
  EXPECT_LT(ea.best->eager_speedup->low, 4.0) << "a noise band";
  EXPECT_NEAR(ea.best->compile_speedup->value, 0.8, 0.01);
  const LeaderboardEntry& eb = Entry(board, "reduce_b", kH100);
  EXPECT_NEAR(eb.best->eager_speedup->value, 1.0, 0.01);
  EXPECT_FALSE(eb.best->compile_speedup);
  ASSERT_TRUE(eb.torch_compile);
  EXPECT_FALSE(eb.torch_compile->error.empty());
  const LeaderboardEntry& ec = Entry(board, "reduce_c", kH100);
  EXPECT_FALSE(ec.best);
  EXPECT_TRUE(ec.torch_eager);

  const SuiteSummary& s1 = Summary(board, "s1", kH100);
  EXPECT_EQ(s1.over_eager.tasks, 3) << "every task with eager measured, c included";
  EXPECT_EQ(s1.over_eager.fast_p[0].tasks, 1) << "only a is beyond the noise";
  EXPECT_DOUBLE_EQ(s1.over_eager.fast_p[0].fraction, 1.0 / 3);
  EXPECT_NEAR(*s1.over_eager.geomean, std::sqrt(4.0 * 1.0), 0.02);
  EXPECT_EQ(s1.over_compile.tasks, 1) << "b's torch.compile failed";
  EXPECT_EQ(s1.over_compile.fast_p[0].tasks, 0);
  EXPECT_NEAR(*s1.over_compile.geomean, 0.8, 0.01);
  nlohmann::json j = ToJson(board);
  EXPECT_EQ(j["entries"][0]["torch_eager"]["torch"], "2.9.0");
  EXPECT_EQ(j["summaries"][0]["over_compile"]["tasks"], 1);
}

TEST_F(LeaderboardTest, SuiteSummariesCountFastPBeyondTheNoiseAndGeometricMeans) {
  Fill();
  Leaderboard board = QueryLeaderboard(store_, {});
  ASSERT_EQ(board.summaries.size(), 3u);
  const SuiteSummary& s1 = Summary(board, "s1", kH100);
  EXPECT_EQ(s1.tasks, 3);
  EXPECT_EQ(s1.correct, 2);
  ASSERT_EQ(s1.fast_p.size(), 3u);
  EXPECT_DOUBLE_EQ(s1.fast_p[0].p, 1.0);
  EXPECT_EQ(s1.fast_p[0].tasks, 2);
  EXPECT_DOUBLE_EQ(s1.fast_p[0].fraction, 2.0 / 3);
  EXPECT_EQ(s1.fast_p[1].tasks, 2);
  // reduce_b is exactly 2x: the low end of its band is below 2, so it does not count.
  EXPECT_EQ(s1.fast_p[2].tasks, 1);
  EXPECT_NEAR(*s1.geomean_speedup, std::sqrt(2.5 * 2.0), 1e-9);
  EXPECT_EQ(s1.geomean_speedup_tasks, 2);
  EXPECT_NEAR(*s1.geomean_baseline_speedup, 1.5, 1e-9);
  EXPECT_EQ(s1.geomean_baseline_tasks, 1);
  EXPECT_DOUBLE_EQ(s1.cost_usd, 1.75);

  const SuiteSummary& a100 = Summary(board, "s1", kA100);
  EXPECT_EQ(a100.tasks, 1);
  EXPECT_DOUBLE_EQ(a100.fast_p[2].fraction, 1.0);
  EXPECT_FALSE(a100.geomean_baseline_speedup);

  const SuiteSummary& s2 = Summary(board, "s2", kH100);
  EXPECT_EQ(s2.fast_p[0].tasks, 1) << "1.1x with a 1% noise floor counts as faster";
  EXPECT_EQ(s2.fast_p[1].tasks, 0);

  nlohmann::json j = ToJson(board);
  EXPECT_EQ(j["entries"].size(), 5u);
  EXPECT_EQ(j["summaries"].size(), 3u);
  EXPECT_EQ(ToJson(s1)["fast_p"]["fast_1.5"], s1.fast_p[1].fraction);
  EXPECT_EQ(ToJson(s1)["fast_p"]["fast_2"], 1.0 / 3);
  EXPECT_TRUE(j["entries"][3]["best"].is_null()) << j["entries"][3].dump();
}

TEST(SummarizeSuitesTest, TheLowEndOfTheBandDecides) {
  LeaderboardEntry e;
  e.suite = "s";
  e.device = "gpu";
  e.best = LeaderboardBest{};
  e.best->speedup = Speedup{1.6, 1.49, 1.71};
  std::vector<SuiteSummary> s = SummarizeSuites({e});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].fast_p[0].tasks, 1);
  EXPECT_EQ(s[0].fast_p[1].tasks, 0) << "1.6x whose band reaches 1.49 is not beyond 1.5x";
  e.best->speedup = Speedup{1.0, 0.99, 1.01};
  EXPECT_EQ(SummarizeSuites({e})[0].fast_p[0].tasks, 0) << "no faster than the noise";
  EXPECT_DOUBLE_EQ(*SummarizeSuites({e})[0].geomean_speedup, 1.0);
}

TEST_F(LeaderboardTest, FiltersBySuiteTaskGpuAndRun) {
  Fill();
  Leaderboard s2 = QueryLeaderboard(store_, {"s2"});
  ASSERT_EQ(s2.entries.size(), 1u);
  EXPECT_EQ(s2.entries[0].task, "reduce_d");

  Leaderboard a = QueryLeaderboard(store_, {"", "reduce_a"});
  ASSERT_EQ(a.entries.size(), 2u);
  std::string hash = store_.GetTask(b_)->content_hash;
  Leaderboard by_hash = QueryLeaderboard(store_, {"", hash.substr(0, 8)});
  ASSERT_EQ(by_hash.entries.size(), 1u);
  EXPECT_EQ(by_hash.entries[0].task, "reduce_b");
  EXPECT_TRUE(QueryLeaderboard(store_, {"", "no_such"}).entries.empty());

  Leaderboard gpu = QueryLeaderboard(store_, {"", "", "a100"});
  ASSERT_EQ(gpu.entries.size(), 1u) << "the GPU filter ignores case";
  EXPECT_EQ(gpu.entries[0].device, kA100);

  LeaderboardFilter only_run2;
  only_run2.run_id = run2_;
  Leaderboard run = QueryLeaderboard(store_, only_run2);
  ASSERT_EQ(run.entries.size(), 1u);
  EXPECT_EQ(run.entries[0].device, kA100);
  EXPECT_DOUBLE_EQ(run.entries[0].cost_usd, 0.25) << "only that run's calls";
  EXPECT_EQ(run.entries[0].unpriced_llm_calls, 1);
}

TEST_F(LeaderboardTest, AnEditedTaskIsAnEntryOfItsOwn) {
  std::int64_t v1 = Task("reduce_a", "s1", 1);
  std::int64_t v2 = Task("reduce_a", "s1", 2);
  Eval(Candidate(v1, 1), CorrectResult(kH100, 0.2, 1.0), run1_);
  Eval(Candidate(v2, 1), CorrectResult(kH100, 0.9, 1.0), run1_);
  Leaderboard board = QueryLeaderboard(store_, {"", "reduce_a"});
  ASSERT_EQ(board.entries.size(), 2u);
  EXPECT_NE(board.entries[0].task_hash, board.entries[1].task_hash);
  EXPECT_EQ(board.summaries.at(0).tasks, 2);
}

}  // namespace
}  // namespace kopt
