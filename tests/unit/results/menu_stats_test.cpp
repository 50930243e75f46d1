// SPDX-License-Identifier: Apache-2.0
// Menu statistics on handmade lineages: plans counted once however many kernels they got,
// compile errors, wrong answers, gains over the parent on the same GPU, invented plans, other
// proposers left out, filters.
#include "results/menu_stats.h"

#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using testing::CandidateSource;
using testing::CorrectResult;
using testing::FailedResult;
using testing::MakeTask;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";
const std::string kA100 = "NVIDIA A100-SXM4-80GB";

class MenuStatsTest : public ::testing::Test {
 protected:
  MenuStatsTest() : store_(dir_.File("kopt.db")) {
    task_ = store_.AddTask(MakeTask("reduce"), "s1");
    reference_ = store_.ReferenceCandidate(task_);
    Eval(reference_, CorrectResult(kH100, 1.0, 1.0));
  }

  std::int64_t Kernel(int variant, std::optional<std::string> option, const std::string& plan,
                      const std::string& model = "m1", const std::string& proposer = "llm",
                      std::int64_t parent = 0) {
    NewCandidate c = testing::TestCandidate(task_, CandidateSource(variant), {}, proposer);
    c.parent_id = parent ? parent : reference_;
    c.menu_option_id = std::move(option);
    c.plan = plan;
    c.model = model;
    return store_.AddCandidate(c);
  }

  void Eval(std::int64_t candidate, const EvalResult& r) {
    store_.RecordEvaluation({candidate, std::nullopt, "", true, r});
  }

  const MenuOptionStats* Find(const std::vector<MenuOptionStats>& all, const std::string& option,
                              const std::string& device = kH100) {
    for (const auto& s : all) {
      if (s.option == option && s.device == device) return &s;
    }
    return nullptr;
  }

  TempDir dir_;
  Store store_;
  std::int64_t task_ = 0, reference_ = 0;
};

TEST_F(MenuStatsTest, CountsPlansKernelsVerdictsAndGains) {
  // One plan of tiling.shared, three kernels: 2x faster, slower, compile error.
  Eval(Kernel(1, "tiling.shared", "Tile."), CorrectResult(kH100, 0.5, 1.0));
  Eval(Kernel(2, "tiling.shared", "Tile."), CorrectResult(kH100, 1.25, 1.0));
  Eval(Kernel(3, "tiling.shared", "Tile."), FailedResult(kH100, EvalStatus::kCompileError));
  // A second plan of the same option: wrong.
  Eval(Kernel(4, "tiling.shared", "Tile differently."),
       FailedResult(kH100, EvalStatus::kWrongAnswer));
  // An invented plan, 4x.
  Eval(Kernel(5, std::nullopt, "Something new."), CorrectResult(kH100, 0.25, 1.0));
  // Not the LLM's: the tune proposer and a user's kernel are left out.
  Eval(Kernel(6, "tune", "", "", "tune"), CorrectResult(kH100, 0.1, 1.0));
  Eval(Kernel(7, std::nullopt, "", "", "user"), CorrectResult(kH100, 0.1, 1.0));

  std::vector<MenuOptionStats> all = QueryMenuStats(store_);
  ASSERT_EQ(all.size(), 2u);
  const MenuOptionStats* tile = Find(all, "tiling.shared");
  ASSERT_TRUE(tile);
  EXPECT_EQ(tile->op_class, "reduction");
  EXPECT_EQ(tile->model, "m1");
  EXPECT_EQ(tile->planned, 2);
  EXPECT_EQ(tile->kernels, 4);
  EXPECT_EQ(tile->compiled, 3);
  EXPECT_EQ(tile->correct, 2);
  EXPECT_EQ(tile->improved, 1);
  ASSERT_TRUE(tile->median_gain);
  EXPECT_NEAR(*tile->median_gain, (2.0 + 0.8) / 2, 1e-9);
  EXPECT_EQ(all.front().option, "tiling.shared");  // the most kernels first

  const MenuOptionStats* invented = Find(all, "invented");
  ASSERT_TRUE(invented);
  EXPECT_EQ(invented->improved, 1);
  EXPECT_NEAR(*invented->median_gain, 4.0, 1e-9);
}

// A gain is measured against the parent on the same GPU; a GPU where the parent was never
// measured gives verdicts without gains. A re-evaluation that failed counts as failed.
TEST_F(MenuStatsTest, GainsAreOverTheParentOnTheSameGpuAndTheLatestVerdictCounts) {
  std::int64_t a = Kernel(1, "tiling.shared", "Tile.");
  Eval(a, CorrectResult(kH100, 0.5, 1.0));
  Eval(a, CorrectResult(kA100, 0.7, 1.0));
  std::int64_t b = Kernel(2, "loop.unroll", "Unroll.", "m1", "llm", a);
  Eval(b, CorrectResult(kH100, 0.25, 0.5));
  Eval(b, FailedResult(kH100, EvalStatus::kWrongAnswer));  // its latest

  std::vector<MenuOptionStats> all = QueryMenuStats(store_);
  const MenuOptionStats* h100 = Find(all, "tiling.shared", kH100);
  const MenuOptionStats* a100 = Find(all, "tiling.shared", kA100);
  ASSERT_TRUE(h100 && a100);
  EXPECT_NEAR(*h100->median_gain, 2.0, 1e-9);
  EXPECT_EQ(a100->correct, 1);
  EXPECT_FALSE(a100->median_gain);  // the reference was not measured on the A100
  EXPECT_EQ(a100->improved, 0);
  const MenuOptionStats* unroll = Find(all, "loop.unroll");
  ASSERT_TRUE(unroll);
  EXPECT_EQ(unroll->correct, 0);
  EXPECT_EQ(unroll->compiled, 1);

  EXPECT_EQ(QueryMenuStats(store_, {.gpu = "a100"}).size(), 1u);
  EXPECT_EQ(QueryMenuStats(store_, {.op_class = "gemm"}).size(), 0u);
  EXPECT_EQ(QueryMenuStats(store_, {.model = "m2"}).size(), 0u);
}

}  // namespace
}  // namespace kopt

namespace kopt {
namespace {

// The record as a run found it when it began: kernels of that run and later ones, and newer
// verdicts on older kernels, are left out.
TEST_F(MenuStatsTest, BeforeARunOnlyEarlierRunsCount) {
  auto run = [&] {
    RunInfo info;
    info.command = "optimize";
    info.device = kH100;
    return store_.BeginRun(info);
  };
  auto kernel_in = [&](std::int64_t run_id, int variant) {
    NewCandidate c = testing::TestCandidate(task_, CandidateSource(variant), {}, "llm");
    c.parent_id = reference_;
    c.menu_option_id = "tiling.shared";
    c.plan = "Tile.";
    c.run_id = run_id;
    return store_.AddCandidate(c);
  };
  std::int64_t first = run(), second = run();
  store_.RecordEvaluation({reference_, first, "", true, CorrectResult(kH100, 1.0, 1.0)});
  std::int64_t old_kernel = kernel_in(first, 1);
  store_.RecordEvaluation({old_kernel, first, "", true, CorrectResult(kH100, 0.5, 1.0)});
  std::int64_t new_kernel = kernel_in(second, 2);
  store_.RecordEvaluation({new_kernel, second, "", true, CorrectResult(kH100, 0.5, 1.0)});
  // The second run found the old kernel wrong on a check it added.
  store_.RecordEvaluation(
      {old_kernel, second, "", true, FailedResult(kH100, EvalStatus::kWrongAnswer)});

  std::vector<MenuOptionStats> all = QueryMenuStats(store_);
  const MenuOptionStats* now = Find(all, "tiling.shared");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->kernels, 2);
  EXPECT_EQ(now->improved, 1);
  std::vector<MenuOptionStats> before = QueryMenuStats(store_, {.before_run = second});
  const MenuOptionStats* then = Find(before, "tiling.shared");
  ASSERT_TRUE(then);
  EXPECT_EQ(then->kernels, 1);
  EXPECT_EQ(then->improved, 1);
  EXPECT_TRUE(QueryMenuStats(store_, {.before_run = first}).empty());
}

}  // namespace
}  // namespace kopt
