// SPDX-License-Identifier: Apache-2.0
// Schedules in the store: saved once per content, filtered, and read off lineages (several
// lineages of one kernel, ties between siblings, negative evidence, other GPUs).
#include "results/schedule_store.h"

#include "results/menu_stats.h"
#include "results/schedule_extraction.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using testing::CandidateSource;
using testing::CorrectResult;
using testing::FailedResult;
using testing::MakeTask;
using testing::SampleSchedule;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";
const std::string kA100 = "NVIDIA A100-SXM4-80GB";

TEST(ScheduleStoreTest, SavedOncePerContentAndReadBackWhole) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Schedule s = SampleSchedule("reduce", kH100);
  SavedSchedule first = SaveSchedule(store, s, std::nullopt);
  EXPECT_TRUE(first.added);
  SavedSchedule again = SaveSchedule(store, s, std::nullopt);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.id, first.id);

  std::optional<Schedule> back = GetSchedule(store, first.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, first.id);
  EXPECT_EQ(back->origin, "local");
  EXPECT_FALSE(back->created_at.empty());
  EXPECT_EQ(ScheduleFingerprint(*back), ScheduleFingerprint(s));
  EXPECT_EQ(back->steps[0].tried[0].option, "vector.loads");
  EXPECT_FALSE(GetSchedule(store, first.id + 1));
}

// A winner's schedule measured again (a sibling tried since adds negative evidence) is a new
// row; the list shows the newest per winner and GPU, and the older stays readable by id.
TEST(ScheduleStoreTest, TheListShowsTheNewestVersionOfAWinnersSchedule) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  std::int64_t task = store.AddTask(MakeTask("reduce"), "s1");
  std::int64_t winner = store.ReferenceCandidate(task);
  Schedule first = SampleSchedule("reduce", kH100);
  first.source_candidate_id = winner;
  Schedule later = first;
  later.steps[1].tried.push_back({"warp.shuffle", "Shuffles.", "crashed", std::nullopt});
  Schedule on_a100 = first;
  on_a100.gpu = kA100;
  std::int64_t old_id = SaveSchedule(store, first, task).id;
  std::int64_t new_id = SaveSchedule(store, later, task).id;
  std::int64_t a100_id = SaveSchedule(store, on_a100, task).id;
  std::vector<Schedule> listed = ListSchedules(store);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, new_id);
  EXPECT_EQ(listed[1].id, a100_id);
  ASSERT_TRUE(GetSchedule(store, old_id));
  EXPECT_EQ(GetSchedule(store, old_id)->steps[1].tried.size(), 0u);
}

TEST(ScheduleStoreTest, FiltersByTaskOpClassGpuAndArch) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  SaveSchedule(store, SampleSchedule("reduce", kH100), std::nullopt);
  Schedule a100 = SampleSchedule("reduce", kA100);
  a100.arch = "sm_80";
  SaveSchedule(store, a100, std::nullopt);
  Schedule gemm = SampleSchedule("gemm", kH100);
  gemm.task.op_class = "gemm";
  SaveSchedule(store, gemm, std::nullopt);

  EXPECT_EQ(ListSchedules(store).size(), 3u);
  EXPECT_EQ(ListSchedules(store, {.task = "reduce"}).size(), 2u);
  EXPECT_EQ(ListSchedules(store, {.task = gemm.task.content_hash.substr(0, 8)}).size(), 1u);
  EXPECT_EQ(ListSchedules(store, {.op_class = "gemm"}).size(), 1u);
  EXPECT_EQ(ListSchedules(store, {.gpu = "h100"}).size(), 2u);
  EXPECT_EQ(ListSchedules(store, {.arch = "sm_80"}).size(), 1u);
  EXPECT_TRUE(ListSchedules(store, {.task = "softmax"}).empty());
}

// reference -> A (tiling) -> B (invented) -> C (tune), with siblings at each step; measured on
// the H100 (and partly on an A100).
class ExtractionTest : public ::testing::Test {
 protected:
  ExtractionTest() : store_(dir_.File("kopt.db")) {
    RunInfo info;
    info.command = "optimize";
    info.device = kH100;
    info.device_info = {{"name", kH100}, {"arch", "sm_90a"}};
    run_ = store_.BeginRun(info);
    task_ = store_.AddTask(MakeTask("reduce"), "s1");
    reference_ = store_.ReferenceCandidate(task_);
  }

  std::int64_t Child(std::int64_t parent, int variant, std::optional<std::string> option,
                     const std::string& plan, const std::string& proposer = "llm") {
    NewCandidate c = testing::TestCandidate(task_, CandidateSource(variant), {}, proposer);
    c.run_id = run_;
    c.parent_id = parent;
    c.menu_option_id = std::move(option);
    if (!plan.empty()) c.plan = plan;
    return store_.AddCandidate(c);
  }

  void Eval(std::int64_t candidate, const EvalResult& r) {
    store_.RecordEvaluation({candidate, run_, "", true, r});
  }

  TempDir dir_;
  Store store_;
  std::int64_t run_ = 0, task_ = 0, reference_ = 0;
};

TEST_F(ExtractionTest, StepsFollowTheLineageWithGainsAndNegativeEvidence) {
  std::int64_t a = Child(reference_, 1, "tiling.shared", "Tile in shared memory.\nDetails.");
  Eval(a, CorrectResult(kH100, 0.5, 1.0));
  std::int64_t wrong = Child(reference_, 2, "vector.loads", "Use float4 loads.");
  Eval(wrong, FailedResult(kH100, EvalStatus::kWrongAnswer));
  std::int64_t slower = Child(reference_, 3, "loop.unroll", "Unroll.");
  Eval(slower, CorrectResult(kH100, 1.2, 1.0));
  std::int64_t helped = Child(reference_, 4, "warp.shuffle", "Shuffles.");  // not the winner's
  Eval(helped, CorrectResult(kH100, 0.8, 1.0));                             // path, but it helped
  std::int64_t other_gpu = Child(reference_, 5, "async.copy", "cp.async.");
  Eval(other_gpu, FailedResult(kA100, EvalStatus::kCompileError));  // not on this GPU

  std::int64_t b = Child(a, 6, std::nullopt, "Two rows per warp.");
  Eval(b, CorrectResult(kH100, 0.25, 1.0));
  std::int64_t crashed = Child(a, 7, "tiling.register", "Register tiles.");
  Eval(crashed, FailedResult(kH100, EvalStatus::kCrashed));
  std::int64_t c = Child(b, 8, "tune", "", "tune");
  Eval(c, CorrectResult(kH100, 0.2, 1.0));

  std::optional<Schedule> s = ExtractSchedule(store_, c, kH100);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->gpu, kH100);
  EXPECT_EQ(s->arch, "sm_90a");
  EXPECT_EQ(s->task.name, "reduce");
  EXPECT_EQ(s->source_candidate_id, c);
  EXPECT_EQ(s->kernel_source, store_.GetCandidate(c)->candidate.source);  // for kernel transfer
  EXPECT_NEAR(*s->latency_ms, 0.2, 1e-9);
  EXPECT_NEAR(*s->speedup, 5.0, 1e-6);
  ASSERT_EQ(s->steps.size(), 3u);

  const ScheduleStep& tile = s->steps[0];
  EXPECT_EQ(tile.option, "tiling.shared");
  EXPECT_EQ(tile.plan, "Tile in shared memory.\nDetails.");
  EXPECT_NEAR(*tile.gain, 2.0, 1e-6);  // over the reference's 1.0 ms
  ASSERT_EQ(tile.tried.size(), 2u);    // the faster sibling and the A100's are not evidence
  EXPECT_EQ(tile.tried[0].option, "vector.loads");
  EXPECT_EQ(tile.tried[0].status, "wrong_answer");
  EXPECT_EQ(tile.tried[1].option, "loop.unroll");
  EXPECT_EQ(tile.tried[1].status, "slower");
  EXPECT_NEAR(*tile.tried[1].speedup, 1.0 / 1.2, 1e-6);

  const ScheduleStep& invented = s->steps[1];
  EXPECT_EQ(invented.option, kInventedOption);
  EXPECT_NEAR(*invented.gain, 2.0, 1e-6);
  ASSERT_EQ(invented.tried.size(), 1u);
  EXPECT_EQ(invented.tried[0].status, "crashed");

  EXPECT_EQ(s->steps[2].option, "tune");
  EXPECT_EQ(s->steps[2].proposer, "tune");
  EXPECT_NEAR(*s->steps[2].gain, 1.25, 1e-6);
  EXPECT_TRUE(s->steps[2].tried.empty());
}

TEST_F(ExtractionTest, NothingForTheReferenceOrAKernelNotCorrectOnThatGpu) {
  EXPECT_FALSE(ExtractSchedule(store_, reference_, kH100));
  std::int64_t a = Child(reference_, 1, "tiling.shared", "Tile.");
  Eval(a, CorrectResult(kA100, 0.5, 1.0));
  EXPECT_FALSE(ExtractSchedule(store_, a, kH100));
  EXPECT_TRUE(ExtractSchedule(store_, a, kA100));
  std::int64_t wrong = Child(reference_, 2, "vector.loads", "Vectors.");
  Eval(wrong, FailedResult(kH100, EvalStatus::kWrongAnswer));
  EXPECT_FALSE(ExtractSchedule(store_, wrong, kH100));
}

// One kernel reached by two lineages (a second run proposed it from another parent): each row
// gives its own chain; siblings of a step are the children of any row of its parent's kernel,
// each kernel once (two rows of one failed kernel are one alternative).
TEST_F(ExtractionTest, TwoLineagesOfOneKernelAndSiblingsOfEveryRowOfTheParent) {
  std::int64_t a = Child(reference_, 1, "tiling.shared", "Tile.");
  Eval(a, CorrectResult(kH100, 0.5, 1.0));
  std::int64_t a_again = Child(reference_, 1, "tiling.shared", "Tile, said otherwise.");
  std::int64_t wrong = Child(a, 2, "vector.loads", "Vectors.");
  Eval(wrong, FailedResult(kH100, EvalStatus::kWrongAnswer));
  Child(a_again, 2, "vector.loads", "Vectors again.");  // the same failed kernel, another row
  std::int64_t via_a = Child(a, 3, "loop.unroll", "Unroll.");
  Eval(via_a, CorrectResult(kH100, 0.4, 1.0));
  std::int64_t b = Child(reference_, 4, "warp.shuffle", "Shuffles.");
  Eval(b, CorrectResult(kH100, 0.6, 1.0));
  std::int64_t via_b = Child(b, 3, "tiling.shared", "Tile after shuffles.");  // same kernel

  std::optional<Schedule> from_a = ExtractSchedule(store_, via_a, kH100);
  std::optional<Schedule> from_b = ExtractSchedule(store_, via_b, kH100);
  ASSERT_TRUE(from_a && from_b);
  EXPECT_EQ(from_a->steps[0].option, "tiling.shared");
  EXPECT_EQ(from_b->steps[0].option, "warp.shuffle");
  EXPECT_EQ(from_a->steps[1].kernel_key, from_b->steps[1].kernel_key);
  EXPECT_NE(ScheduleFingerprint(*from_a), ScheduleFingerprint(*from_b));
  ASSERT_EQ(from_a->steps[1].tried.size(), 1u);
  EXPECT_EQ(from_a->steps[1].tried[0].status, "wrong_answer");
  EXPECT_NEAR(*from_b->steps[1].gain, 0.6 / 0.4, 1e-6);
}

// A task stored by an older kopt, whose task.json this one no longer reads, keeps its place: no
// schedule for it and no error for the others; the menu's record still reads its op class.
TEST_F(ExtractionTest, ATaskThisKoptNoLongerReadsHasNoScheduleAndBreaksNothing) {
  std::int64_t a = Child(reference_, 1, "tiling.shared", "Tile.");
  Eval(a, CorrectResult(kH100, 0.5, 1.0));
  store_.WithDatabase([&](Database& db) {
    db.Exec("UPDATE tasks SET task_json = '{\"op_class\": \"reduction\", \"from\": \"v0\"}'");
    return 0;
  });
  EXPECT_EQ(RecordWinnersSchedules(store_), 0);
  EXPECT_TRUE(ListSchedules(store_).empty());
  std::vector<MenuOptionStats> stats = QueryMenuStats(store_);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].op_class, "reduction");
}

}  // namespace
}  // namespace kopt
