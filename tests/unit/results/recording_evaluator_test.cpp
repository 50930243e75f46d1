// SPDX-License-Identifier: Apache-2.0
// The recording evaluator with a fake Evaluator at the seam: what `kopt eval` and the search
// store, and when the store answers instead of the GPU.
#include "results/recording_evaluator.h"

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

// Answers every request with `next` and remembers what it was asked.
class FakeEvaluator : public Evaluator {
 public:
  EvalResult Evaluate(const EvalRequest& request) override {
    ++calls;
    last_tunables = request.candidate.tunables();
    return next;
  }
  EvalResult next = CorrectResult(kH100, 0.5, 1.0);
  int calls = 0;
  TunableChoice last_tunables;
};

EvalRequest Request(const Task& task, const std::string& source,
                    const TunableChoice& tunables = {}) {
  EvalRequest r;
  r.task = &task;
  r.file = "mine.cu";
  r.candidate = TryMakeCandidate(task, source, tunables, r.file);
  return r;
}

TEST(RecordingEvaluatorTest, RecordsTaskReferenceCandidateAndEvaluation) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  FakeEvaluator fake;
  std::int64_t run = store.BeginRun(RunInfo{"eval"});
  RecordingEvaluator rec(store, fake, {kH100, run});
  Task task = MakeTask("reduce", "starter");
  RecordedEvaluation out = rec.EvaluateAndRecord(Request(task, CandidateSource(1)));
  EXPECT_FALSE(out.from_store);
  EXPECT_EQ(fake.calls, 1);
  EXPECT_EQ(ToJson(out.result), ToJson(fake.next));

  std::optional<TaskRecord> t = store.GetTask(out.task_id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->suite, "starter") << "from the task's folder";
  EXPECT_EQ(t->content_hash, task.content_hash);
  std::vector<CandidateRecord> lineage = store.Lineage(out.candidate_id);
  ASSERT_EQ(lineage.size(), 2u);
  EXPECT_EQ(lineage[0].candidate.proposer, kProposerUser);
  EXPECT_EQ(lineage[0].candidate.run_id, run);
  EXPECT_EQ(lineage[0].candidate.file, "mine.cu");
  EXPECT_EQ(lineage[0].candidate.tunables, (TunableChoice{{"BS", 128}})) << "defaults resolved";
  EXPECT_EQ(lineage[1].candidate.proposer, kProposerReference);
  std::optional<EvaluationRecord> e = store.GetEvaluation(out.evaluation_id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->candidate_id, out.candidate_id);
  EXPECT_EQ(e->run_id, run);
  EXPECT_EQ(e->device, kH100);
  EXPECT_TRUE(e->timed);
}

TEST(RecordingEvaluatorTest, AnIdenticalKernelIsAnsweredFromTheStoreUnlessForced) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  FakeEvaluator fake;
  Task task = MakeTask("reduce");
  RecordedEvaluation first;
  {
    RecordingEvaluator rec(store, fake, {kH100, store.BeginRun(RunInfo{"eval"})});
    first = rec.EvaluateAndRecord(Request(task, CandidateSource(1)));
  }
  // A later invocation (a new run) with the default tunable spelled out.
  RecordingEvaluator again(store, fake, {kH100, store.BeginRun(RunInfo{"eval"})});
  RecordedEvaluation second =
      again.EvaluateAndRecord(Request(task, CandidateSource(1), {{"BS", 128}}));
  EXPECT_TRUE(second.from_store);
  EXPECT_EQ(fake.calls, 1) << "the GPU was not asked again";
  EXPECT_EQ(second.evaluation_id, first.evaluation_id);
  EXPECT_EQ(second.candidate_id, first.candidate_id);
  EXPECT_EQ(ToJson(second.result), ToJson(first.result));
  EXPECT_EQ(again.Evaluate(Request(task, CandidateSource(1))).status, EvalStatus::kCorrect);
  EXPECT_EQ(fake.calls, 1);

  // Another tunable value, another source, another GPU, or an edited task are other kernels.
  again.EvaluateAndRecord(Request(task, CandidateSource(1), {{"BS", 256}}));
  EXPECT_EQ(fake.calls, 2);
  again.EvaluateAndRecord(Request(task, CandidateSource(2)));
  EXPECT_EQ(fake.calls, 3);
  RecordingEvaluator a100(store, fake, {"NVIDIA A100-SXM4-80GB"});
  a100.EvaluateAndRecord(Request(task, CandidateSource(1)));
  EXPECT_EQ(fake.calls, 4);
  Task edited = MakeTask("reduce", "s1", 2);
  again.EvaluateAndRecord(Request(edited, CandidateSource(1)));
  EXPECT_EQ(fake.calls, 5);

  // --force measures again and records a new evaluation, which later lookups return.
  fake.next = CorrectResult(kH100, 0.45, 1.0);
  RecordingEvaluator forced(store, fake, {kH100, std::nullopt, /*force=*/true});
  RecordedEvaluation third = forced.EvaluateAndRecord(Request(task, CandidateSource(1)));
  EXPECT_FALSE(third.from_store);
  EXPECT_EQ(fake.calls, 6);
  EXPECT_NE(third.evaluation_id, first.evaluation_id);
  RecordedEvaluation fourth = again.EvaluateAndRecord(Request(task, CandidateSource(1)));
  EXPECT_EQ(fourth.evaluation_id, third.evaluation_id);
  // Every evaluation of the kernel: the first, the A100's and the forced one.
  EXPECT_EQ(store.EvaluationsOf(first.candidate_id).size(), 3u);
}

TEST(RecordingEvaluatorTest, FailuresAreAnswersButUntimedChecksDoNotAnswerTimedRequests) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  FakeEvaluator fake;
  Task task = MakeTask("reduce");
  RecordingEvaluator rec(store, fake, {kH100});
  EvalRequest untimed = Request(task, CandidateSource(1));
  untimed.options.time = false;
  rec.EvaluateAndRecord(untimed);
  EXPECT_TRUE(rec.EvaluateAndRecord(untimed).from_store);
  EXPECT_FALSE(rec.EvaluateAndRecord(Request(task, CandidateSource(1))).from_store);
  EXPECT_EQ(fake.calls, 2);

  fake.next = FailedResult(kH100, EvalStatus::kCompileError);
  rec.EvaluateAndRecord(Request(task, CandidateSource(7)));
  RecordedEvaluation again = rec.EvaluateAndRecord(Request(task, CandidateSource(7)));
  EXPECT_TRUE(again.from_store);
  EXPECT_EQ(again.result.status, EvalStatus::kCompileError);
  EXPECT_EQ(again.result.compile.log, fake.next.compile.log);
  EXPECT_EQ(fake.calls, 3);
}

TEST(RecordingEvaluatorTest, TheSearchAddsItsCandidateFirstThenEvaluatesIt) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  FakeEvaluator fake;
  Task task = MakeTask("reduce");
  std::int64_t run = store.BeginRun(RunInfo{"optimize"});
  RecordingEvaluator rec(store, fake, {kH100, run, false, "", "llm"});
  auto [task_id, reference] = rec.AddTask(task);

  NewCandidate parent = testing::TestCandidate(task_id, CandidateSource(1), {}, "llm");
  parent.run_id = run;
  parent.parent_id = reference;
  parent.plan = "Tree reduction.";
  parent.menu_option_id = "reduce.tree";
  parent.iteration = 1;
  parent.model = "model-a";
  std::int64_t parent_id = store.AddCandidate(parent);
  NewCandidate child = testing::TestCandidate(task_id, CandidateSource(2), {}, "llm");
  child.run_id = run;
  child.parent_id = parent_id;
  child.plan = "Unroll by 4.";
  child.menu_option_id = "reduce.tree";
  child.iteration = 2;
  child.model = "model-a";
  std::int64_t child_id = store.AddCandidate(child);

  rec.EvaluateCandidate(parent_id, Request(task, parent.source));
  RecordedEvaluation out = rec.EvaluateCandidate(child_id, Request(task, child.source));
  EXPECT_EQ(out.candidate_id, child_id);
  EXPECT_EQ(store.GetEvaluation(out.evaluation_id)->candidate_id, child_id);
  std::vector<CandidateRecord> lineage = store.Lineage(child_id);
  ASSERT_EQ(lineage.size(), 3u);
  EXPECT_EQ(lineage[0].candidate.plan, "Unroll by 4.");
  EXPECT_EQ(lineage[1].candidate.menu_option_id, "reduce.tree");
  EXPECT_EQ(lineage[2].id, reference);

  // The same code reached by another path is measured once: the store answers for it.
  NewCandidate twin = child;
  twin.plan = "Unroll the loop four times.";
  std::int64_t twin_id = store.AddCandidate(twin);
  EXPECT_NE(twin_id, child_id);
  RecordedEvaluation twin_out = rec.EvaluateCandidate(twin_id, Request(task, twin.source));
  EXPECT_TRUE(twin_out.from_store);
  EXPECT_EQ(twin_out.evaluation_id, out.evaluation_id);
  EXPECT_EQ(store.EvaluationsOf(twin_id).size(), 1u);
  EXPECT_EQ(fake.calls, 2);
}

TEST(RecordingEvaluatorTest, AStoreWrittenBeforeCandidatesAnswersTheSameKernel) {
  // Rows as kopt wrote them before kernels were carried as Candidates: the eval_key of
  // CandidateSource(1) with BS at its default (128) and with BS=256, computed then.
  const std::string kDefaultKey =
      "9ee37a835f82bba392d094c5bfb2d2da00ed31c62c150933fa66399d20f09f13";
  const std::string kBs256Key = "844d827cd16ed6446135abdf43a45a11105225f11009ddd61fd6244642f420be";
  Store store(":memory:");
  Task task = MakeTask("reduce");
  std::int64_t task_id = store.AddTask(task, "s1");
  for (const std::string& key : {kDefaultKey, kBs256Key}) {
    NewCandidate old;
    old.task_id = task_id;
    old.source = CandidateSource(1);
    old.key = key;
    old.proposer = kProposerUser;
    store.RecordEvaluation(
        {store.AddCandidate(old), std::nullopt, kH100, true, CorrectResult(kH100, 0.5, 1.0)});
  }
  FakeEvaluator fake;
  RecordingEvaluator rec(store, fake, {kH100});
  EvalRequest by_default = Request(task, CandidateSource(1));
  EXPECT_EQ(by_default.candidate.key(), kDefaultKey);
  EXPECT_TRUE(rec.EvaluateAndRecord(by_default).from_store);
  EvalRequest spelled_out = Request(task, CandidateSource(1), {{"BS", 128}});
  EXPECT_TRUE(rec.EvaluateAndRecord(spelled_out).from_store);
  EvalRequest bs256 = Request(task, CandidateSource(1), {{"BS", 256}});
  EXPECT_EQ(bs256.candidate.key(), kBs256Key);
  EXPECT_TRUE(rec.EvaluateAndRecord(bs256).from_store);
  EXPECT_EQ(fake.calls, 0);
}

TEST(RecordingEvaluatorTest, ATextThatIsNotACandidateIsRecordedWithItsReasonNeverEvaluated) {
  Store store(":memory:");
  FakeEvaluator fake;
  Task task = MakeTask("reduce");
  RecordingEvaluator rec(store, fake, {kH100});
  std::string no_block = "extern \"C\" __global__ void sum(const float* x, float* s, int n) {}\n";
  RecordedEvaluation out = rec.EvaluateAndRecord(Request(task, no_block));
  EXPECT_EQ(fake.calls, 0);
  EXPECT_EQ(out.result.status, EvalStatus::kLaunchError);
  EXPECT_EQ(out.result.check, "launch");
  EXPECT_NE(out.result.message.find("mine.cu: launch block: missing"), std::string::npos)
      << out.result.message;
  EXPECT_EQ(out.result.device, kH100);
  std::optional<CandidateRecord> row = store.GetCandidate(out.candidate_id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->candidate.source, no_block);
  EXPECT_EQ(row->candidate.key, CandidateKey(no_block, {}));
  std::optional<EvaluationRecord> stored = store.GetEvaluation(out.evaluation_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->result.message, out.result.message);
  // Asked again, the store holds that very answer.
  RecordedEvaluation again = rec.EvaluateAndRecord(Request(task, no_block));
  EXPECT_TRUE(again.from_store);
  EXPECT_EQ(again.evaluation_id, out.evaluation_id);

  // A store that answered this text otherwise (a cut-off answer compiled before it was
  // rejected) gets the reason recorded instead.
  NewEvaluation compiled{out.candidate_id, std::nullopt, kH100, true,
                         FailedResult(kH100, EvalStatus::kCompileError)};
  store.RecordEvaluation(compiled);
  RecordedEvaluation now = rec.EvaluateAndRecord(Request(task, no_block));
  EXPECT_FALSE(now.from_store);
  EXPECT_EQ(now.result.status, EvalStatus::kLaunchError);
  EXPECT_EQ(fake.calls, 0);
}

TEST(RecordingEvaluatorDeathTest, AMismatchedRequestIsAProgrammerError) {
  Store store(":memory:");  // no checkpoint thread, so the death test's fork is safe
  FakeEvaluator fake;
  Task task = MakeTask("reduce");
  RecordingEvaluator rec(store, fake, {kH100});
  std::int64_t id = rec.EvaluateAndRecord(Request(task, CandidateSource(1))).candidate_id;
  EXPECT_DEATH(rec.EvaluateCandidate(id, Request(task, CandidateSource(2))), "candidate.key");
}

}  // namespace
}  // namespace kopt

namespace kopt {
namespace {

TEST(RecordingEvaluatorTest, ASearchLineageNamedByKeysBecomesParentRows) {
  testing::TempDir dir;
  Store store(dir.File("kopt.db"));
  FakeEvaluator fake;
  RecordingEvaluator rec(store, fake, {kH100, store.BeginRun(RunInfo{"optimize"})});
  Task task = testing::MakeTask("reduce", "core");

  EvalRequest reference = Request(task, task.reference_source);
  reference.provenance.proposer = "reference";
  RecordedEvaluation ref = rec.EvaluateAndRecord(reference);
  EXPECT_EQ(ref.candidate_id, rec.AddTask(task).second) << "the reference's own row";

  EvalRequest child = Request(task, testing::CandidateSource(1));
  child.provenance = {reference.candidate.key(), "llm",      "use float4 loads",
                      "mem.vectorized_loads",    "openai:m", 2};
  RecordedEvaluation c = rec.EvaluateAndRecord(child);
  EvalRequest grandchild = Request(task, testing::CandidateSource(2));
  grandchild.provenance = child.provenance;
  grandchild.provenance.parent_key = child.candidate.key();
  grandchild.provenance.iteration = 3;
  RecordedEvaluation g = rec.EvaluateAndRecord(grandchild);

  std::vector<CandidateRecord> lineage = store.Lineage(g.candidate_id);
  ASSERT_EQ(lineage.size(), 3u);
  EXPECT_EQ(lineage[1].id, c.candidate_id);
  EXPECT_EQ(lineage[2].id, ref.candidate_id);
  EXPECT_EQ(lineage[1].candidate.plan, "use float4 loads");
  EXPECT_EQ(lineage[1].candidate.menu_option_id, "mem.vectorized_loads");
  EXPECT_EQ(lineage[1].candidate.model, "openai:m");
  EXPECT_EQ(lineage[0].candidate.iteration, 3);
  EXPECT_EQ(lineage[0].candidate.proposer, "llm");

  // Replayed, the same request finds the same rows and the stored result: nothing is evaluated.
  int calls = fake.calls;
  RecordedEvaluation again = rec.EvaluateAndRecord(grandchild);
  EXPECT_EQ(again.candidate_id, g.candidate_id);
  EXPECT_TRUE(again.from_store);
  EXPECT_EQ(fake.calls, calls);
  // Unless a profile is wanted and the stored result has none.
  grandchild.options.profile = ProfileLevel::kDefault;
  EXPECT_FALSE(rec.EvaluateAndRecord(grandchild).from_store);
  EXPECT_EQ(fake.calls, calls + 1);
}

}  // namespace
}  // namespace kopt
