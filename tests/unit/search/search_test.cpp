// SPDX-License-Identifier: Apache-2.0
// The beam search with a fake evaluator and scripted proposers: which kernels join the beam,
// when a task stops, repairs, and that a search is a pure function of its inputs and seed.
#include "search/search.h"

#include "core/sha256.h"
#include "search/beam.h"
#include "search/step_outcomes.h"
#include "search/transfer.h"
#include "search/tune_proposer.h"
#include "tests/support/fake_evaluator.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace kopt {
namespace {

using testing::FakeEvaluator;
using testing::TinyTask;

std::string Kernel(const std::string& markers, const std::string& tunables = "") {
  std::string block = R"({"launch": [{"kernel": "k", "grid": [1], "block": [32], "args": []}])";
  if (!tunables.empty()) block += R"(, "tunables": )" + tunables;
  return "/*@kopt\n" + block + "}\n@kopt*/\n" + markers + "\n";
}

// Proposes what a test function returns for each parent; repairs with another function.
class ScriptedProposer : public Proposer {
 public:
  using Script = std::function<std::vector<std::string>(const ProposalContext&)>;
  using Fix = std::function<std::optional<std::string>(const Proposal&, const EvalResult&)>;
  explicit ScriptedProposer(Script script, Fix fix = {})
      : script_(std::move(script)), fix_(std::move(fix)) {}
  std::string_view name() const override { return "llm"; }
  void Propose(const ProposalContext& context, const Emit& emit) override {
    for (const auto& source : script_(context)) {
      Proposal p;
      p.candidate = TryMakeCandidate(*context.task, source);
      p.provenance.parent_key = context.parent->candidate.key;
      p.provenance.proposer = "llm";
      p.provenance.plan = "plan";
      p.provenance.menu_option = "mem.test";
      emit(std::move(p));
    }
  }
  std::optional<Proposal> Repair(const ProposalContext& context, const Proposal& failed,
                                 const EvalResult& result) override {
    ++repairs;
    if (!fix_) return std::nullopt;
    std::optional<std::string> source = fix_(failed, result);
    if (!source) return std::nullopt;
    Proposal p = failed;
    p.candidate = TryMakeCandidate(*context.task, *source);
    return p;
  }
  std::atomic<int> repairs{0};

 private:
  Script script_;
  Fix fix_;
};

SearchConfig SmallConfig() {
  SearchConfig c;
  c.beam_width = 2;
  c.iterations = 3;
  c.patience = 5;
  c.parallel_tasks = 1;
  c.proposer_threads = 4;
  c.eval_threads = 2;
  return c;
}

SearchNode Node(const std::string& key, double latency_ms, bool suspicious = false) {
  SearchNode n;
  n.candidate.key = key;
  n.result.status = EvalStatus::kCorrect;
  n.result.timing = testing::QuietTiming(latency_ms);
  if (suspicious) n.result.roofline = Roofline{0, 0, 0, 1.4, "memory", true};
  return n;
}

TEST(BeamTest, ChildWithinTheNoiseBandDoesNotReplaceItsParent) {
  SearchNode parent = Node("p", 1.0);
  EXPECT_NE(BeamRejection(parent, Node("c", 0.995)), "");  // 0.5%: inside the 1% floor
  EXPECT_EQ(BeamRejection(parent, Node("c", 0.95)), "");
  EXPECT_NE(BeamRejection(parent, Node("c", 0.5, /*suspicious=*/true)).find("suspicious"),
            std::string::npos);
  SearchNode wrong = Node("w", 0.1);
  wrong.result.status = EvalStatus::kWrongAnswer;
  EXPECT_EQ(BeamRejection(parent, wrong), "wrong_answer");
}

TEST(BeamTest, KeepsTheFastestWidthDeduplicatedAndIgnoresArrivalOrder) {
  std::vector<SearchNode> beam = {Node("a", 1.0), Node("b", 2.0)};
  std::vector<SearchNode> children = {Node("c", 0.5), Node("d", 1.9), Node("c", 0.5),
                                      Node("e", 0.999)};
  std::vector<const SearchNode*> parents = {&beam[0], &beam[1], &beam[1], &beam[0]};
  BeamUpdate u = UpdateBeam(beam, children, parents, 2);
  ASSERT_EQ(u.beam.size(), 2u);
  EXPECT_EQ(u.beam[0].candidate.key, "c");
  EXPECT_EQ(u.beam[1].candidate.key, "a");  // e is within noise of a; d beat b but is slower than a
  EXPECT_TRUE(u.improved);
  EXPECT_EQ(u.admitted, 2);  // c once, d
  std::reverse(children.begin(), children.end());
  std::reverse(parents.begin(), parents.end());
  BeamUpdate again = UpdateBeam(beam, children, parents, 2);
  EXPECT_EQ(again.beam[0].candidate.key, "c");
  EXPECT_EQ(again.beam[1].candidate.key, "a");
  EXPECT_FALSE(UpdateBeam(beam, {}, {}, 2).improved);
}

TEST(SearchTest, TheFasterKernelWinsAndFailuresAreRecordedWithTheirStatus) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext& c) -> std::vector<std::string> {
    if (c.iteration != 1) return {};
    return {Kernel("// STATUS=compile_error"), Kernel("// STATUS=wrong_answer // LAT=0.1"),
            Kernel("// LAT=4")};
  });
  Search search(SmallConfig(), evaluator, {&llm}, DeviceInfo{});
  std::vector<TaskOutcome> out = search.Run({task});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].best);
  EXPECT_NE(out[0].best->candidate.source.find("LAT=4"), std::string::npos);
  EXPECT_EQ(out[0].best->provenance.parent_key, out[0].reference->candidate.key);
  EXPECT_EQ(out[0].statuses["compile_error"], 1);
  EXPECT_EQ(out[0].statuses["wrong_answer"], 1);
  EXPECT_EQ(out[0].statuses["correct"], 2);  // the reference and the winner
  EXPECT_EQ(out[0].stop_reason, "nothing left to propose");
  ASSERT_EQ(out[0].best->history.size(), 1u);
  EXPECT_NE(out[0].best->history[0].find("2.50x"), std::string::npos) << out[0].best->history[0];
  EXPECT_EQ(llm.repairs, 2);  // both failures were offered for repair; this proposer had no fix
}

TEST(SearchTest, AFailedProposalIsRepairedOnceAndTheRepairIsEvaluated) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm(
      [](const ProposalContext& c) -> std::vector<std::string> {
        if (c.iteration != 1) return {};
        return {Kernel("// STATUS=compile_error // ATTEMPT=0")};
      },
      [](const Proposal& failed, const EvalResult& r) -> std::optional<std::string> {
        EXPECT_NE(r.message.find("compile_error"), std::string::npos);
        // The first repair fails again; it must not be repaired a second time.
        if (failed.repairs == 0) return Kernel("// STATUS=compile_error // ATTEMPT=1");
        return Kernel("// LAT=2 // ATTEMPT=2");
      });
  SearchConfig config = SmallConfig();
  config.max_repairs = 1;
  Search search(config, evaluator, {&llm}, DeviceInfo{});
  std::vector<TaskOutcome> out = search.Run({task});
  EXPECT_EQ(llm.repairs, 1);
  EXPECT_EQ(out[0].statuses["compile_error"], 2);
  EXPECT_EQ(out[0].candidates, 3);  // reference, the proposal, its one repair
  EXPECT_NE(out[0].best->candidate.source.find("LAT=10"), std::string::npos);
}

TEST(SearchTest, StopsAfterPatienceIterationsWithoutAFasterKernel) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext& c) -> std::vector<std::string> {
    // A new, never faster kernel every iteration (0.5% slower than the reference: noise).
    return {Kernel("// LAT=10.05 // I=" + std::to_string(c.iteration))};
  });
  SearchConfig config = SmallConfig();
  config.iterations = 10;
  config.patience = 2;
  Search search(config, evaluator, {&llm}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  EXPECT_EQ(out.iterations_run, 2);
  EXPECT_EQ(out.stop_reason, "no faster kernel in 2 iterations");
}

TEST(SearchTest, CandidateBudgetStopsTheTask) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext& c) -> std::vector<std::string> {
    std::vector<std::string> out;
    for (int k = 0; k < 4; ++k) {
      out.push_back(Kernel("// LAT=" + std::to_string(9.0 - c.iteration - 0.1 * k)));
    }
    return out;
  });
  SearchConfig config = SmallConfig();
  config.iterations = 8;
  config.max_task_candidates = 6;
  Search search(config, evaluator, {&llm}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  EXPECT_EQ(out.candidates, 6);
  EXPECT_EQ(out.stop_reason, "candidate limit of 6");
  int candidates = 0;  // the winner's second look, under the sanitizer, is no new candidate
  for (const auto& r : evaluator.requests()) candidates += !r.options.sanitize;
  EXPECT_EQ(candidates, 6);
}

TEST(SearchTest, RequestStopEndsEveryTask) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  Search* running = nullptr;
  ScriptedProposer llm([&](const ProposalContext& c) -> std::vector<std::string> {
    if (c.iteration == 2) running->RequestStop("budget of $1.00 spent");
    return {Kernel("// LAT=" + std::to_string(9.0 - c.iteration))};
  });
  SearchConfig config = SmallConfig();
  config.iterations = 8;
  Search search(config, evaluator, {&llm}, DeviceInfo{});
  running = &search;
  TaskOutcome out = search.Run({task})[0];
  EXPECT_EQ(out.stop_reason, "budget of $1.00 spent");
  EXPECT_LE(out.iterations_run, 2);
}

TEST(SearchTest, SuspiciousResultsNeverWin) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext& c) -> std::vector<std::string> {
    if (c.iteration != 1) return {};
    return {Kernel("// LAT=0.01 // SUSPICIOUS=1"), Kernel("// LAT=5")};
  });
  Search search(SmallConfig(), evaluator, {&llm}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  EXPECT_NE(out.best->candidate.source.find("LAT=5"), std::string::npos);
}

TEST(SearchTest, AWinnerTheSanitizerDemotesGivesWayToTheNext) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext& c) -> std::vector<std::string> {
    if (c.iteration != 1) return {};
    return {Kernel("// LAT=1 // SANITIZER=error"), Kernel("// LAT=5")};
  });
  Search search(SmallConfig(), evaluator, {&llm}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  ASSERT_TRUE(out.best);
  EXPECT_NE(out.best->candidate.source.find("LAT=5"), std::string::npos);
  ASSERT_TRUE(out.best->result.sanitizer);
  EXPECT_TRUE(out.best->result.sanitizer->clean());
  int sanitized = 0;
  for (const auto& r : evaluator.requests()) sanitized += r.options.sanitize;
  EXPECT_EQ(sanitized, 2);                // the demoted winner, then the next
  EXPECT_EQ(out.statuses["correct"], 3);  // the second looks are not new candidates
}

TEST(SearchTest, TheReferenceIsNeverSentToTheSanitizer) {
  Task task = TinyTask(Kernel("// LAT=10"));
  FakeEvaluator evaluator;
  ScriptedProposer llm([](const ProposalContext&) -> std::vector<std::string> { return {}; });
  Search search(SmallConfig(), evaluator, {&llm}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  for (const auto& r : evaluator.requests()) EXPECT_FALSE(r.options.sanitize);
}

TEST(SearchTest, TuningAloneFindsTheFastestChoiceOfTheStarter) {
  // The starter gets faster with T; the reference has no tunables.
  Task task = TinyTask(Kernel("// LAT=10"),
                       Kernel("// LAT=5 // FASTER_WITH=T", R"({"T": [1, 2, 3, 4, 5, 6]})"));
  FakeEvaluator evaluator;
  TuneProposer tune(2);
  SearchConfig config = SmallConfig();
  config.iterations = 8;
  Search search(config, evaluator, {&tune}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  ASSERT_TRUE(out.best);
  EXPECT_EQ(out.best->candidate.tunables.at("T"), 6);
  EXPECT_EQ(out.best->provenance.proposer, "tune");
  // No choice was evaluated twice (the winner's sanitizer pass aside).
  std::set<std::string> keys;
  for (const auto& r : evaluator.requests()) {
    if (r.options.sanitize) continue;
    EXPECT_TRUE(keys.insert(r.candidate.key()).second) << r.file;
  }
  EXPECT_EQ(out.stop_reason, "nothing left to propose");
}

TEST(SearchTest, TunedVariantsOfOneSourceAreNamedAfterTheirOwnKeys) {
  Task task = TinyTask(Kernel("// LAT=10"),
                       Kernel("// LAT=5 // FASTER_WITH=T", R"({"T": [1, 2, 3, 4, 5, 6]})"));
  FakeEvaluator evaluator;
  TuneProposer tune(3);
  SearchConfig config = SmallConfig();
  config.iterations = 1;
  config.sanitize_best = false;
  Search search(config, evaluator, {&tune}, DeviceInfo{});
  search.Run({task});
  std::set<std::string> files;
  int tuned = 0;
  for (const auto& r : evaluator.requests()) {
    if (r.provenance.proposer != "tune") continue;
    ++tuned;
    EXPECT_EQ(r.file, "tiny-" + r.candidate.key().substr(0, 12) + ".cu");
    EXPECT_TRUE(files.insert(r.file).second) << r.file << " names two kernels";
  }
  EXPECT_EQ(tuned, 3);
}

// Kernel transfer: a seed joins the roots; one whose tunable values do not fit this task runs
// with its block's defaults; a seed that is the starter again is not evaluated twice.
TEST(SearchTest, SeedKernelsJoinTheRootsAndTheTunerStartsFromThem) {
  std::string starter = Kernel("// LAT=5 // FASTER_WITH=T", R"({"T": [1, 2, 3, 4, 5, 6]})");
  Task task = TinyTask(Kernel("// LAT=10"), starter);
  FakeEvaluator evaluator;
  TuneProposer tune(1);
  SearchConfig config = SmallConfig();
  config.iterations = 1;
  config.sanitize_best = false;
  config.seeds[task.content_hash] = {
      {starter, {{"T", 5}}, "transfer", "the starter with T=5"},
      {starter, {}, "transfer", "the starter again"},
      {Kernel("// LAT=2", R"({"U": [4, 8]})"), {{"U", 3}}, "transfer", "U=3 is not offered"}};
  Search search(config, evaluator, {&tune}, DeviceInfo{});
  TaskOutcome out = search.Run({task})[0];
  std::vector<EvalRequest> roots;
  for (const auto& r : evaluator.requests()) {
    if (r.provenance.proposer != "tune") roots.push_back(r);
  }
  ASSERT_EQ(roots.size(), 4u);  // reference, starter, starter with T=5, the U kernel
  EXPECT_EQ(roots[2].provenance.proposer, "transfer");
  EXPECT_EQ(roots[2].provenance.plan, "the starter with T=5");
  EXPECT_EQ(roots[2].candidate.tunables().at("T"), 5);
  ASSERT_TRUE(roots[3].candidate.ok());
  EXPECT_EQ(roots[3].candidate.tunables().at("U"), 4);
  // The beam is the two fastest roots, both transferred, and the tuner starts from each.
  ASSERT_TRUE(out.best);
  EXPECT_EQ(out.best->provenance.proposer, "transfer");  // 2 ms beats 5/1.5 and its tunings
  std::set<std::string> tuned_parents;
  for (const auto& r : evaluator.requests()) {
    if (r.provenance.proposer == "tune") tuned_parents.insert(r.provenance.parent_key);
  }
  EXPECT_EQ(tuned_parents,
            (std::set<std::string>{roots[2].candidate.key(), roots[3].candidate.key()}));
}

Schedule WonWith(const std::string& source, TunableChoice tunables) {
  Schedule s;
  s.id = 7;
  s.task.name = "tiny_big";
  s.gpu = "Fake GPU";
  s.speedup = 3.0;
  s.kernel_source = source;
  ScheduleStep step;
  step.option = "tune";
  step.tunables = std::move(tunables);
  s.steps.push_back(step);
  return s;
}

TEST(TransferTest, TheWinnerAndTheStarterWithTheValuesItsBlockOffers) {
  std::string starter = Kernel("// LAT=5", R"({"T": [1, 2, 3], "V": [1, 2]})");
  Task task = TinyTask(Kernel("// LAT=10"), starter);
  std::string winner = Kernel("// LAT=1", R"({"T": [1, 2, 3, 4]})");
  std::vector<SeedKernel> seeds =
      TransferSeeds(task, WonWith(winner, {{"T", 3}, {"W", 9}}), "same op class");
  ASSERT_EQ(seeds.size(), 2u);
  EXPECT_EQ(seeds[0].source, winner);
  EXPECT_EQ(seeds[0].tunables, (TunableChoice{{"T", 3}, {"W", 9}}));
  EXPECT_EQ(seeds[0].proposer, "transfer");
  EXPECT_EQ(seeds[0].plan,
            "Transfer: tiny_big's winner on Fake GPU (schedule 7, 3.00x), as it was "
            "(same op class)");
  EXPECT_EQ(seeds[1].source, starter);
  EXPECT_EQ(seeds[1].tunables, (TunableChoice{{"T", 3}}));  // W is not the starter's; V unchanged

  // A value the starter does not offer is not carried; nothing carried, no starter seed.
  EXPECT_EQ(TransferSeeds(task, WonWith(winner, {{"T", 4}}), "").size(), 1u);
  // A schedule without its kernel carries only the values.
  std::vector<SeedKernel> values_only = TransferSeeds(task, WonWith("", {{"T", 2}}), "");
  ASSERT_EQ(values_only.size(), 1u);
  EXPECT_EQ(values_only[0].source, starter);
}

TEST(SearchTest, TheSameInputsAndSeedGiveTheSameSearch) {
  auto run = [] {
    Task task = TinyTask(Kernel("// LAT=10"),
                         Kernel("// LAT=5 // FASTER_WITH=T", R"({"T": [1, 2, 3, 4, 5, 6, 7]})"));
    FakeEvaluator evaluator;
    TuneProposer tune(2);
    SearchConfig config = SmallConfig();
    config.eval_threads = 3;
    config.iterations = 2;
    Search search(config, evaluator, {&tune}, DeviceInfo{});
    TaskOutcome out = search.Run({task})[0];
    std::multiset<std::string> keys;
    for (const auto& r : evaluator.requests()) keys.insert(r.candidate.key());
    return std::pair{out.best->candidate.key, keys};
  };
  EXPECT_EQ(run(), run());
}

TEST(TuneProposerTest, NeighboursFirstNeverTwiceAndWithinBudget) {
  Task task = TinyTask(Kernel("// LAT=10"));
  TuneProposer tune(3);
  SearchNode parent;
  parent.candidate =
      TryMakeCandidate(task, Kernel("// x", R"({"A": [1, 2, 3], "B": [10, 20]})")).value();
  ASSERT_EQ(parent.candidate.tunables, (TunableChoice{{"A", 1}, {"B", 10}}));
  ProposalContext context;
  context.task = &task;
  context.parent = &parent;
  std::vector<Proposal> got;
  tune.Propose(context, [&](Proposal p) { got.push_back(std::move(p)); });
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> keys;
  for (const auto& p : got) {
    ASSERT_TRUE(p.candidate.ok());
    const TunableChoice& t = p.candidate.tunables();
    int changed = (t.at("A") != 1) + (t.at("B") != 10);
    EXPECT_EQ(changed, 1) << p.provenance.plan;  // the three one-step neighbours
    EXPECT_EQ(p.provenance.parent_key, parent.candidate.key);
    EXPECT_EQ(p.candidate.key(), CandidateKey(p.candidate.source(), t));
    keys.insert(p.candidate.key());
  }
  // The rest of the product (6 points, minus the parent and 3 neighbours), then nothing.
  std::vector<Proposal> more;
  tune.Propose(context, [&](Proposal p) { more.push_back(std::move(p)); });
  tune.Propose(context, [&](Proposal p) { more.push_back(std::move(p)); });
  EXPECT_EQ(more.size(), 2u);
  for (const auto& p : more) EXPECT_TRUE(keys.insert(p.candidate.key()).second);
}

}  // namespace
}  // namespace kopt

namespace kopt {
namespace {

// Per iteration and proposer: the best correct kernel with its gain over its parent, the
// failures by status; other proposers are left out.
TEST(StepOutcomesTest, TheBestKernelOfEachStepAndTheFailuresBesideIt) {
  TaskOutcome outcome;
  auto add = [&](int it, const char* proposer, const char* option, EvalStatus status,
                 std::optional<double> ms, std::optional<double> parent_ms) {
    outcome.evaluated.push_back(
        {it, proposer, option, status, ms, ms ? std::optional(10 / *ms) : std::nullopt, parent_ms});
  };
  add(2, "replay", "mem.vector", EvalStatus::kCorrect, 0.5, 1.0);
  add(1, "replay", "mem.coalesce", EvalStatus::kCompileError, std::nullopt, 2.0);
  add(1, "replay", "mem.coalesce", EvalStatus::kCorrect, 1.0, 2.0);
  add(1, "replay", "mem.coalesce", EvalStatus::kCorrect, 1.25, 2.0);
  add(1, "llm", "tiling", EvalStatus::kCorrect, 0.1, 2.0);
  add(0, "transfer", "", EvalStatus::kWrongAnswer, std::nullopt, std::nullopt);
  std::vector<StepOutcome> steps = StepOutcomes(outcome, {"replay", "transfer"});
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].proposer, "transfer");
  EXPECT_EQ(steps[0].correct, 0);
  EXPECT_EQ(steps[0].failures.at("wrong_answer"), 1);
  EXPECT_FALSE(steps[0].gain);
  EXPECT_EQ(steps[1].iteration, 1);
  EXPECT_EQ(steps[1].kernels, 3);
  EXPECT_EQ(steps[1].correct, 2);
  EXPECT_EQ(steps[1].failures.at("compile_error"), 1);
  EXPECT_DOUBLE_EQ(*steps[1].latency_ms, 1.0);
  EXPECT_DOUBLE_EQ(*steps[1].gain, 2.0);
  EXPECT_DOUBLE_EQ(*steps[1].speedup, 10.0);
  EXPECT_EQ(steps[2].option, "mem.vector");
  EXPECT_DOUBLE_EQ(*steps[2].gain, 2.0);
}

}  // namespace
}  // namespace kopt
