// SPDX-License-Identifier: Apache-2.0
// The llm proposer inside the search, with a scripted provider and the in-memory call log at
// the seams: plan then code prompts, repairs that carry the failure, and a search killed midway
// that, run again, makes no call and no evaluation twice and ends where an unbroken run ends.
#include "core/sha256.h"
#include "results/recording_evaluator.h"
#include "search/llm_proposer.h"
#include "search/search.h"
#include "tests/support/fake_evaluator.h"
#include "tests/support/memory_call_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>

namespace kopt {
namespace {

std::string Kernel(const std::string& markers) {
  return "/*@kopt\n{\"launch\": [{\"kernel\": \"k\", \"grid\": [\"cdiv(N,32)\"], \"block\": [32], "
         "\"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n" +
         markers + "\nextern \"C\" __global__ void k(const float* x, float* y, int n) {}\n";
}

Task TinyTask() { return testing::TinyTask(Kernel("// DEPTH=0 // LAT=10")); }

int Depth(const std::string& text) {
  std::size_t at = text.rfind("// DEPTH=");
  return at == std::string::npos ? 0 : std::stoi(text.substr(at + 9));
}

// Answers plan prompts with one option and code prompts with a kernel one step deeper (and
// faster) than the parent in the prompt; one code answer in four fails to compile, and its
// repair works. Every answer is a function of the prompt, as a cached LLM's is.
class ScriptedLlm : public Provider {
 public:
  CompletionResult Complete(const CompletionRequest& request) override {
    ++calls;
    const std::string& prompt = request.messages.back().content;
    Completion c;
    c.input_tokens = 100;
    c.output_tokens = 50;
    c.cost_usd = 0.001;
    c.finish_reason = "stop";
    if (request.purpose == "plan") {
      c.text = "Option: mem.vectorized_loads\nPlan: load float4 (variant " +
               std::to_string(request.sample_index) + ")";
      return c;
    }
    std::string hash = Sha256Hex(prompt);
    int depth = Depth(prompt) + (request.purpose == "repair" ? 0 : 1);
    double latency = 10.0 / (1 + depth) * (1 + (hash[0] % 7) * 0.01);
    std::string markers = "// DEPTH=" + std::to_string(depth) +
                          " // LAT=" + std::to_string(latency) + " // H=" + hash.substr(0, 6);
    if (request.purpose == "repair") {
      EXPECT_NE(prompt.find("fake compile_error"), std::string::npos);
      EXPECT_NE(prompt.find("caught by the compile check"), std::string::npos);
      ++repairs;
    } else if (hash[1] % 4 == 0) {
      markers += " // STATUS=compile_error";
    }
    c.text = "Here is the kernel.\n```cuda\n" + Kernel(markers) + "```\n";
    return c;
  }
  const std::string& name() const override { return name_; }
  const std::string& model() const override { return model_; }
  std::atomic<int> calls{0};
  std::atomic<int> repairs{0};

 private:
  std::string name_ = "fake", model_ = "m";
};

// The store's part in a resume: an evaluation of a candidate already measured is answered
// from the record; `stop_after` simulates a kill by stopping the search after that many.
class RecordingFake : public Evaluator {
 public:
  EvalResult Evaluate(const EvalRequest& request) override {
    const std::string& key = request.candidate.key();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = records_.find(key); it != records_.end()) return it->second;
    }
    EvalResult r = inner_.Evaluate(request);
    std::lock_guard<std::mutex> lock(mutex_);
    records_.emplace(key, r);
    ++evaluations;
    if (search && stop_after > 0 && evaluations == stop_after) search->RequestStop("killed");
    return r;
  }
  int evaluations = 0;
  int stop_after = 0;
  Search* search = nullptr;

 private:
  testing::FakeEvaluator inner_;
  std::mutex mutex_;
  std::map<std::string, EvalResult> records_;
};

struct RunResult {
  std::string best_key;
  std::optional<Speedup> speedup;
  std::string stop_reason;
};

Menu TestMenu() {
  return ParseMenu(R"({"schema_version": 1, "name": "t", "description": "test menu",
    "entries": [
      {"id": "mem.vectorized_loads", "title": "Vectorized loads", "text": "Use 16-byte loads.",
       "op_classes": ["all"], "archs": ["all"], "bound": "memory"},
      {"id": "invent", "title": "Invent", "text": "Something new.",
       "op_classes": ["all"], "archs": ["all"], "bound": "any"}]})",
                   "test.json");
}

RunResult SearchOnce(ScriptedLlm& llm, LlmCallLog& log, RecordingFake& evaluator, int stop_after,
                     TaskBudgets* budgets = nullptr) {
  Task task = TinyTask();
  Menu menu = TestMenu();
  PromptLibrary prompts;
  LlmProposerConfig lc;
  lc.plans = 2;
  lc.impls = 2;
  LlmProposer proposer(
      lc, llm, llm, menu, prompts, [&](const Task&) { return &log; }, budgets);
  SearchConfig config;
  config.beam_width = 2;
  config.iterations = 3;
  config.eval_threads = 2;
  DeviceInfo device;
  device.name = "Fake GPU";
  device.arch = "sm_90a";
  Search search(config, evaluator, {&proposer}, device);
  evaluator.search = &search;
  evaluator.stop_after = stop_after;
  TaskOutcome out = search.Run({task})[0];
  evaluator.search = nullptr;
  return {out.best ? out.best->candidate.key : "",
          out.best ? out.best->result.speedup : std::nullopt, out.stop_reason};
}

TEST(LlmSearchTest, PlansThenCodeAndRepairsCarryTheFailure) {
  ScriptedLlm llm;
  testing::MemoryCallLog log;
  RecordingFake evaluator;
  RunResult run = SearchOnce(llm, log, evaluator, 0);
  EXPECT_EQ(run.stop_reason, "iteration limit");
  ASSERT_TRUE(run.speedup);
  EXPECT_GT(run.speedup->value, 2.5);  // three steps deeper: about 10 / 4 ms
  EXPECT_GT(llm.repairs, 0);
  std::map<std::string, int> purposes;
  for (const auto& r : log.records()) {
    EXPECT_NE(r.request_json.find("\"purpose\""), std::string::npos);
    for (const char* p : {"\"plan\"", "\"code\"", "\"repair\""}) {
      if (r.request_json.find(p) != std::string::npos) ++purposes[p];
    }
  }
  EXPECT_GT(purposes["\"plan\""], 0);
  EXPECT_EQ(purposes["\"code\""], 2 * purposes["\"plan\""]);  // K = 2 per plan
}

TEST(LlmSearchTest, AKilledSearchResumesWithoutRepeatingACallOrAnEvaluation) {
  ScriptedLlm full_llm;
  testing::MemoryCallLog full_log;
  RecordingFake full_eval;
  RunResult full = SearchOnce(full_llm, full_log, full_eval, 0);

  ScriptedLlm llm;
  testing::MemoryCallLog log;
  RecordingFake evaluator;
  RunResult killed = SearchOnce(llm, log, evaluator, 5);
  EXPECT_EQ(killed.stop_reason, "killed");
  int calls_before = llm.calls;
  RunResult resumed = SearchOnce(llm, log, evaluator, 0);
  EXPECT_EQ(resumed.best_key, full.best_key);
  EXPECT_EQ(resumed.stop_reason, full.stop_reason);
  // Every call and evaluation was made once, across the two runs.
  EXPECT_EQ(llm.calls, full_llm.calls);
  EXPECT_LT(calls_before, full_llm.calls);
  EXPECT_EQ(evaluator.evaluations, full_eval.evaluations);
  // And a third run is free.
  int calls = llm.calls, evaluations = evaluator.evaluations;
  SearchOnce(llm, log, evaluator, 0);
  EXPECT_EQ(llm.calls, calls);
  EXPECT_EQ(evaluator.evaluations, evaluations);
}

TEST(LlmSearchTest, ASpentTaskBudgetStopsTheTaskAndSaysWhichLimit) {
  ScriptedLlm llm;
  testing::MemoryCallLog log;
  RecordingFake evaluator;
  BudgetLimits per_task;
  per_task.calls = 7;
  Budget run("run", {});
  TaskBudgets budgets(per_task, &run);
  RunResult out = SearchOnce(llm, log, evaluator, 0, &budgets);
  EXPECT_EQ(llm.calls, 7) << "no call past the limit reaches the provider";
  EXPECT_NE(out.stop_reason.find("call"), std::string::npos) << "[" << out.stop_reason << "]";
  EXPECT_NE(out.stop_reason.find("tiny"), std::string::npos) << out.stop_reason;
  EXPECT_EQ(run.Usage().calls, 7) << "the run's budget saw every call";
}

// A schedule replayed on the task: its steps are carried out in order, one per iteration, on the
// current best kernel without a planning call; once it runs out of steps, the search plans.
TEST(LlmSearchTest, AReplayedScheduleIsAppliedStepByStepThenTheSearchPlans) {
  Task task = TinyTask();
  Menu menu = TestMenu();
  PromptLibrary prompts;
  ScriptedLlm llm;
  testing::MemoryCallLog log;
  RecordingFake evaluator;
  LlmProposerConfig lc;
  lc.plans = 1;
  lc.impls = 1;
  ReplaySchedule chosen;
  chosen.schedule.task.name = "tiny_copy_elsewhere";
  chosen.schedule.gpu = "Fake GPU";
  chosen.schedule.steps.resize(3);
  chosen.schedule.steps[0].option = "mem.vectorized_loads";
  chosen.schedule.steps[0].plan = "First: vectorize the copy.";
  chosen.schedule.steps[1].option = "tune";  // no plan: skipped, this iteration plans freely
  chosen.schedule.steps[2].option = "invented";
  chosen.schedule.steps[2].plan = "Third: persistent blocks.";
  chosen.reasons = {"same op class (data_movement)"};
  lc.replay[task.content_hash] = {chosen};
  LlmProposer proposer(
      lc, llm, llm, menu, prompts, [&](const Task&) { return &log; }, nullptr);
  SearchConfig config;
  config.beam_width = 1;
  config.iterations = 4;
  DeviceInfo device;
  device.arch = "sm_90a";
  Search(config, evaluator, {&proposer}, device).Run({task});

  std::vector<std::string> order;  // purposes of the first call of each kind, in call order
  int replays = 0;
  for (const auto& r : log.records()) {
    if (r.purpose == "repair") continue;
    if (order.empty() || order.back() != r.purpose) order.push_back(r.purpose);
    if (r.purpose != "replay") continue;
    ++replays;
    EXPECT_NE(r.request_json.find("Where the plan comes from"), std::string::npos);
    EXPECT_NE(r.request_json.find("tiny_copy_elsewhere"), std::string::npos);
    bool first = r.request_json.find("First: vectorize the copy.") != std::string::npos;
    bool third = r.request_json.find("Third: persistent blocks.") != std::string::npos;
    EXPECT_TRUE(first != third) << "one step per prompt";
  }
  EXPECT_EQ(replays, 2);
  // The free search's plans are shown what the schedule did.
  int plans = 0;
  for (const auto& r : log.records()) {
    if (r.purpose != "plan") continue;
    ++plans;
    EXPECT_NE(r.request_json.find("Schedules that worked on similar tasks"), std::string::npos);
    EXPECT_NE(r.request_json.find("tiny_copy_elsewhere"), std::string::npos);
  }
  EXPECT_EQ(plans, 2);
  // Iteration 1 replays step 1; iteration 2 plans (step 2 is a tune step); iteration 3 replays
  // step 3; iteration 4 plans.
  EXPECT_EQ(order, (std::vector<std::string>{"replay", "plan", "code", "replay", "plan", "code"}));
}

// The plan prompts of one search, as cache keys.
std::set<std::string> PlanKeys(const testing::MemoryCallLog& log) {
  std::set<std::string> keys;
  for (const auto& r : log.records()) {
    if (r.purpose == "plan") keys.insert(r.cache_key);
  }
  return keys;
}

TEST(LlmSearchTest, ModelsSplittingThePlansAskWhatOneModelAskingAllWouldAsk) {
  Task task = TinyTask();
  Menu menu = TestMenu();
  PromptLibrary prompts;
  SearchConfig config;
  config.iterations = 1;
  DeviceInfo device;
  device.arch = "sm_90a";
  auto run = [&](std::vector<LlmProposerConfig> shares) {
    ScriptedLlm llm;
    testing::MemoryCallLog log;
    RecordingFake evaluator;
    std::vector<std::unique_ptr<LlmProposer>> owned;
    std::vector<Proposer*> proposers;
    for (const auto& share : shares) {
      owned.push_back(std::make_unique<LlmProposer>(
          share, llm, llm, menu, prompts, [&](const Task&) { return &log; }, nullptr));
      proposers.push_back(owned.back().get());
    }
    Search(config, evaluator, proposers, device).Run({task});
    return PlanKeys(log);
  };
  LlmProposerConfig all;
  all.plans = 3;
  LlmProposerConfig first = all, second = all;
  first.plans = 2;
  second.plans = 1;
  second.first_plan = 2;
  std::set<std::string> one = run({all});
  EXPECT_EQ(one.size(), 3u);
  EXPECT_EQ(run({first, second}), one);
}

TEST(LlmSearchTest, TheSameInputsGiveTheSameCallsAndTheSameWinner) {
  // Two samples of one prompt may agree (as here, where answers ignore the sample index): the
  // duplicate is not evaluated, and a failure's repair prompt does not depend on which
  // duplicate came first, so concurrency cannot change the search.
  ScriptedLlm a_llm, b_llm;
  testing::MemoryCallLog a_log, b_log;
  RecordingFake a_eval, b_eval;
  RunResult a = SearchOnce(a_llm, a_log, a_eval, 0);
  RunResult b = SearchOnce(b_llm, b_log, b_eval, 0);
  EXPECT_EQ(a.best_key, b.best_key);
  EXPECT_EQ(a_llm.calls, b_llm.calls);
  EXPECT_EQ(a_eval.evaluations, b_eval.evaluations);
  std::set<std::string> keys;
  for (const auto& r : a_log.records()) EXPECT_TRUE(keys.insert(r.cache_key).second);
}

// Plans with one option; its code answer stops inside its code block (a reply cut off at its
// token limit); the repair answers with a whole kernel.
class CutOffLlm : public Provider {
 public:
  CompletionResult Complete(const CompletionRequest& request) override {
    Completion c;
    c.finish_reason = "stop";
    if (request.purpose == "plan") {
      c.text = "Option: mem.vectorized_loads\nPlan: load float4";
    } else if (request.purpose == "code") {
      c.finish_reason = "length";
      c.text = "Here it is.\n```cuda\n" + Kernel("// CUT // LAT=1");
      c.text.resize(c.text.size() - 20);  // ends inside the kernel's body
    } else {
      std::lock_guard<std::mutex> lock(mutex_);
      repair_prompt = request.messages.back().content;
      c.text = "```cuda\n" + Kernel("// REPAIRED // LAT=5") + "```\n";
    }
    return c;
  }
  const std::string& name() const override { return name_; }
  const std::string& model() const override { return model_; }
  std::mutex mutex_;
  std::string repair_prompt;

 private:
  std::string name_ = "fake", model_ = "m";
};

TEST(LlmSearchTest, ACutOffAnswerIsRecordedAsCutOffAndNeverCompiled) {
  Task task = TinyTask();
  Menu menu = TestMenu();
  PromptLibrary prompts;
  CutOffLlm llm;
  testing::MemoryCallLog log;
  LlmProposerConfig lc;
  lc.plans = 1;
  lc.impls = 1;
  LlmProposer proposer(
      lc, llm, llm, menu, prompts, [&](const Task&) { return &log; }, nullptr);
  Store store(":memory:");
  testing::FakeEvaluator gpu;
  RecordingEvaluator recording(store, gpu, {"Fake GPU"});
  SearchConfig config;
  config.iterations = 1;
  config.sanitize_best = false;
  DeviceInfo device;
  device.arch = "sm_90a";
  TaskOutcome out = Search(config, recording, {&proposer}, device).Run({task})[0];

  // The inner evaluator (the GPU) saw the reference and the repair, never the cut-off text.
  std::vector<EvalRequest> requests = gpu.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& r : requests) {
    EXPECT_TRUE(r.candidate.ok());
    EXPECT_EQ(r.candidate.source().find("// CUT"), std::string::npos) << r.file;
  }
  EXPECT_EQ(out.statuses["launch_error"], 1);
  EXPECT_EQ(out.statuses.count("compile_error"), 0u);
  ASSERT_TRUE(out.best);
  EXPECT_NE(out.best->candidate.source.find("// REPAIRED"), std::string::npos);
  // The repair prompt tells the model why.
  EXPECT_NE(llm.repair_prompt.find("the answer was cut off"), std::string::npos)
      << llm.repair_prompt;

  // The store holds the cut-off text with the reason as its evaluation.
  std::string status, message;
  int rows = 0;
  store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(
        "SELECT e.status, e.message FROM evaluations e JOIN candidates c ON c.id = e.candidate_id "
        "WHERE c.source LIKE '%// CUT%'");
    while (q->Step()) {
      ++rows;
      status = q->Text(0);
      message = q->Text(1);
    }
  });
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(status, "launch_error");
  EXPECT_NE(message.find("the answer was cut off"), std::string::npos) << message;
}

}  // namespace
}  // namespace kopt
