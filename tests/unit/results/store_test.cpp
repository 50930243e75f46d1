// SPDX-License-Identifier: Apache-2.0
// The store on real SQLite files: migrations, refusal of newer schemas, and a round trip of
// every kind of record.
#include "results/store.h"

#include "core/secrets.h"
#include "results/llm_call_log.h"
#include "results/schema.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace kopt {
namespace {

using testing::CandidateSource;
using testing::CorrectResult;
using testing::FailedResult;
using testing::MakeTask;
using testing::TempDir;

const std::string kH100 = "NVIDIA H100 80GB HBM3";

std::string QueryText(Store& store, const std::string& sql) {
  return store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(sql);
    EXPECT_TRUE(q->Step()) << sql;
    return q->Text(0);
  });
}

TEST(StoreTest, MigratesAnEmptyFileToTheCurrentSchemaInWalMode) {
  TempDir dir;
  {
    Store store(dir.File("kopt.db"));
    EXPECT_EQ(store.opened_version(), 0);
    EXPECT_EQ(QueryText(store, "PRAGMA user_version"), std::to_string(StoreSchemaVersion()));
    EXPECT_EQ(QueryText(store, "PRAGMA journal_mode"), "wal");
    for (const char* table :
         {"runs", "tasks", "candidates", "evaluations", "llm_calls", "schedules"}) {
      EXPECT_EQ(QueryText(store, std::string("SELECT count(*) FROM sqlite_master WHERE "
                                             "type = 'table' AND name = '") +
                                     table + "'"),
                "1")
          << table;
    }
    EXPECT_EQ(QueryText(store,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                        "name = 'llm_calls_by_cache_key'"),
              "1");
  }
  Store again(dir.File("kopt.db"));
  EXPECT_EQ(again.opened_version(), StoreSchemaVersion());
}

TEST(StoreTest, RefusesADatabaseWrittenByANewerKopt) {
  TempDir dir;
  std::string path = dir.File("future.db");
  {
    Database db(path, true);
    db.Exec("CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = " +
            std::to_string(StoreSchemaVersion() + 3));
  }
  try {
    Store store(path);
    FAIL() << "opened a newer database";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("schema version " + std::to_string(StoreSchemaVersion() + 3)),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("versions up to " + std::to_string(StoreSchemaVersion())), std::string::npos)
        << msg;
  }
  // The refusal changed nothing.
  Database db(path, false);
  EXPECT_EQ(db.QueryInt("PRAGMA user_version"), StoreSchemaVersion() + 3);
}

TEST(StoreTest, NamesTheFileWhenItIsNotADatabaseOrIsMissing) {
  TempDir dir;
  std::string path = dir.File("notes.txt");
  std::ofstream(path) << "these are not the pages you are looking for, not at all, no.\n";
  try {
    Store store(path);
    FAIL() << "opened a text file";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Store(dir.File("missing.db"), Store::OpenMode::kExisting), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing.db")));
}

TEST(StoreTest, RunsRoundTripAndFinish) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  RunInfo info;
  info.command = "eval";
  info.argv = {"kopt", "eval", "reduce_sum", "my kernel.cu"};
  info.config = {{"seeds", 3}, {"time", true}};
  info.kopt_version = "0.1.0";
  info.git_sha = "abc123def456";
  info.device = kH100;
  info.device_info = {{"name", kH100}, {"sm_count", 132}};
  info.driver_version = "580.65.06 (CUDA 13.0)";
  info.cuda_version = "13.0.48";
  info.nvrtc_version = "13.0";
  info.seed = 0x6b6f7074;
  std::int64_t id = store.BeginRun(info);
  std::optional<RunRecord> run = store.GetRun(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->info.argv, info.argv);
  EXPECT_EQ(run->info.config, info.config);
  EXPECT_EQ(run->info.device_info, info.device_info);
  EXPECT_EQ(run->info.git_sha, info.git_sha);
  EXPECT_EQ(run->info.driver_version, info.driver_version);
  EXPECT_EQ(run->info.cuda_version, info.cuda_version);
  EXPECT_EQ(run->info.nvrtc_version, info.nvrtc_version);
  EXPECT_EQ(run->info.seed, info.seed);
  EXPECT_EQ(run->status, "running");
  EXPECT_TRUE(run->finished_at.empty());
  EXPECT_FALSE(run->started_at.empty());

  store.FinishRun(id, "failed", "no CUDA driver");
  run = store.GetRun(id);
  EXPECT_EQ(run->status, "failed");
  EXPECT_EQ(run->message, "no CUDA driver");
  EXPECT_GE(run->finished_at, run->started_at);

  RunInfo bare;
  bare.command = "optimize";
  std::int64_t second = store.BeginRun(bare);
  EXPECT_FALSE(store.GetRun(second)->info.seed);
  EXPECT_TRUE(store.GetRun(second)->info.device_info.is_null());
  std::vector<RunSummary> runs = store.ListRuns();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].run.id, second);  // newest first
  EXPECT_EQ(store.ListRuns(1).size(), 1u);
  EXPECT_FALSE(store.GetRun(second + 1));
}

TEST(StoreTest, AKilledRunIsFoundByItsCommandLineAndConfig) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  RunInfo info;
  info.command = "optimize";
  info.argv = {"kopt", "optimize", "--suite", "quick"};
  info.config = {{"beam", 4}};
  EXPECT_FALSE(store.FindUnfinishedRun(info));
  std::int64_t killed = store.BeginRun(info);
  EXPECT_EQ(store.FindUnfinishedRun(info), killed);
  RunInfo other = info;
  other.config = {{"beam", 2}};
  EXPECT_FALSE(store.FindUnfinishedRun(other));
  other = info;
  other.argv.push_back("--iterations=2");
  EXPECT_FALSE(store.FindUnfinishedRun(other));
  store.FinishRun(killed, "interrupted");
  EXPECT_EQ(store.FindUnfinishedRun(info), killed);
  store.FinishRun(killed, "ok");
  EXPECT_FALSE(store.FindUnfinishedRun(info)) << "a finished run is not resumed";
}

// Every text the store binds passes through the one redaction (Statement::Bind): a known secret
// in an argv, a config, a source, a plan, a log or an LLM call never reaches the files.
TEST(StoreTest, NoKnownSecretReachesTheDatabaseFiles) {
  const std::string secret = "sk-store-canary-8c41e2";
  ProcessSecrets().Add(secret);
  TempDir dir;
  const std::string path = dir.File("kopt.db");
  Store store(path);
  RunInfo info;
  info.command = "optimize";
  info.argv = {"kopt", "--db", "postgres://kopt:" + secret + "@db/kopt", "optimize"};
  info.config = {{"note", secret}};
  std::int64_t run = store.BeginRun(info);
  EXPECT_EQ(store.FindUnfinishedRun(info), run) << "found by the same argv, redacted alike";
  std::int64_t task = store.AddTask(MakeTask("reduce_a"), "s1");
  NewCandidate c = testing::TestCandidate(task, CandidateSource(1) + "// " + secret + "\n",
                                          {{"BS", 256}}, "llm");
  c.run_id = run;
  c.parent_id = store.ReferenceCandidate(task);
  c.plan = "use the key " + secret;
  std::int64_t candidate = store.AddCandidate(c);
  EvalResult failed = FailedResult(kH100, EvalStatus::kCompileError);
  failed.message += " " + secret;
  failed.compile.log += " " + secret;
  store.RecordEvaluation({candidate, run, "", true, failed});
  LlmCallRecord call;
  call.cache_key = "k";
  call.provider = "openai";
  call.model = "m";
  call.request_json = nlohmann::json({{"messages", {{{"content", "key " + secret}}}}}).dump();
  call.response_text = "your key: " + secret;
  call.error = "auth: bad key " + secret;
  std::int64_t call_id = store.RecordLlmCall(call, {run, task, "plan"});
  store.FinishRun(run, "failed", "stopped by " + secret);

  EXPECT_EQ(store.GetRun(run)->info.argv[2], "postgres://kopt:[redacted]@db/kopt");
  EXPECT_EQ(store.GetRun(run)->info.config["note"], "[redacted]");
  EXPECT_EQ(store.GetRun(run)->message, "stopped by [redacted]");
  EXPECT_EQ(store.GetCandidate(candidate)->candidate.plan, "use the key [redacted]");
  EXPECT_EQ(store.GetLlmCall(call_id)->call.response_text, "your key: [redacted]");
  std::vector<EvaluationRecord> evaluations = store.EvaluationsOf(candidate);
  ASSERT_EQ(evaluations.size(), 1u);
  EXPECT_NE(evaluations[0].result.compile.log.find("[redacted]"), std::string::npos);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream in(path + suffix, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << path << suffix;
  }
}

TEST(StoreTest, AnEditedTaskIsANewRowAndTheSameTaskIsNot) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Task task = MakeTask("reduce", "s1", 1);
  std::int64_t id = store.AddTask(task, "s1");
  EXPECT_EQ(store.AddTask(task, "s1"), id);
  Task edited = MakeTask("reduce", "s1", 2);
  ASSERT_NE(edited.content_hash, task.content_hash);
  std::int64_t edited_id = store.AddTask(edited, "s1");
  EXPECT_NE(edited_id, id);
  std::optional<TaskRecord> t = store.GetTask(id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "reduce");
  EXPECT_EQ(t->suite, "s1");
  EXPECT_EQ(t->content_hash, task.content_hash);
  EXPECT_EQ(t->task_json, task.task_json);
  EXPECT_EQ(t->reference_source, task.reference_source);
  EXPECT_EQ(store.FindTaskByHash(edited.content_hash)->id, edited_id);
  EXPECT_FALSE(store.FindTaskByHash("0000"));
  EXPECT_EQ(TaskSuite(task), "s1");
}

TEST(StoreTest, CandidatesRoundTripDeduplicateAndTraceTheirLineageToTheReference) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  std::int64_t task_id = store.AddTask(MakeTask("reduce"), "s1");
  std::int64_t run_id = store.BeginRun(RunInfo{"optimize"});
  std::int64_t reference = store.ReferenceCandidate(task_id);
  EXPECT_EQ(store.ReferenceCandidate(task_id), reference);

  NewCandidate first = testing::TestCandidate(task_id, CandidateSource(1), {}, "llm");
  first.run_id = run_id;
  first.parent_id = reference;
  first.plan = "Use a block-wide tree reduction in shared memory.";
  first.menu_option_id = "reduce.tree";
  first.iteration = 1;
  first.model = "model-a";
  first.file = "gen/1.cu";
  std::int64_t a = store.AddCandidate(first);

  NewCandidate second = testing::TestCandidate(task_id, CandidateSource(2), {{"BS", 256}}, "llm");
  second.run_id = run_id;
  second.parent_id = a;
  second.model = first.model;
  second.file = first.file;
  second.plan = "Unroll by 4.";
  second.iteration = 2;
  std::int64_t b = store.AddCandidate(second);
  EXPECT_NE(a, b);
  EXPECT_EQ(store.AddCandidate(second), b) << "the identical proposal is the same row";
  NewCandidate other_plan = second;
  other_plan.plan = "Unroll by 8.";
  EXPECT_NE(store.AddCandidate(other_plan), b);

  std::optional<CandidateRecord> got = store.GetCandidate(b);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->candidate.task_id, task_id);
  EXPECT_EQ(got->candidate.run_id, run_id);
  EXPECT_EQ(got->candidate.parent_id, a);
  EXPECT_EQ(got->candidate.source, second.source);
  EXPECT_EQ(got->candidate.tunables, (TunableChoice{{"BS", 256}}));
  EXPECT_EQ(got->candidate.plan, "Unroll by 4.");
  EXPECT_FALSE(got->candidate.menu_option_id);
  EXPECT_EQ(got->candidate.iteration, 2);
  EXPECT_EQ(got->candidate.proposer, "llm");
  EXPECT_EQ(got->candidate.model, "model-a");
  EXPECT_EQ(got->candidate.file, "gen/1.cu");
  EXPECT_EQ(got->source_hash.size(), 64u);
  EXPECT_EQ(got->candidate.key, CandidateKey(second.source, {{"BS", 256}}));

  std::vector<CandidateRecord> lineage = store.Lineage(b);
  ASSERT_EQ(lineage.size(), 3u);
  EXPECT_EQ(lineage[0].id, b);
  EXPECT_EQ(lineage[1].id, a);
  EXPECT_EQ(lineage[2].id, reference);
  EXPECT_EQ(lineage[2].candidate.proposer, kProposerReference);
  EXPECT_EQ(lineage[2].candidate.source, MakeTask("reduce").reference_source);
  EXPECT_FALSE(store.GetCandidate(9999));
  EXPECT_THROW(store.Lineage(9999), StoreError);
}

TEST(StoreTest, TheTunableChoiceIsPartOfTheKernelAndDefaultsAreResolved) {
  std::string source = CandidateSource(1);
  Task task = MakeTask("reduce");
  EXPECT_EQ(TryMakeCandidate(task, source).tunables(), (TunableChoice{{"BS", 128}}));
  EXPECT_EQ(TryMakeCandidate(task, source).key(),
            TryMakeCandidate(task, source, {{"BS", 128}}).key());
  EXPECT_NE(CandidateKey(source, {{"BS", 128}}), CandidateKey(source, {{"BS", 256}}));
  EXPECT_NE(CandidateKey(source, {}), CandidateKey(source + " ", {}));
}

TEST(StoreTest, EvaluationsRoundTripWithEveryMeasurement) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Task task = MakeTask("reduce");
  std::int64_t task_id = store.AddTask(task, "s1");
  std::int64_t run_id = store.BeginRun(RunInfo{"eval"});
  NewCandidate c = testing::TestCandidate(task_id, CandidateSource(1), {{"BS", 128}});
  c.run_id = run_id;
  c.parent_id = store.ReferenceCandidate(task_id);
  std::int64_t cand = store.AddCandidate(c);

  EvalResult r = CorrectResult(kH100, 0.25, 1.0, 0.3, /*suspicious=*/true);
  std::int64_t id = store.RecordEvaluation({cand, run_id, "", true, r});
  std::optional<EvaluationRecord> back = store.GetEvaluation(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(ToJson(back->result), ToJson(r));
  EXPECT_EQ(back->candidate_id, cand);
  EXPECT_EQ(back->run_id, run_id);
  EXPECT_EQ(back->task_id, task_id);
  EXPECT_EQ(back->device, kH100);  // taken from the result
  EXPECT_TRUE(back->timed);

  // The query columns hold the same figures as the JSON.
  auto column = [&](const std::string& name) {
    return std::stod(
        QueryText(store, "SELECT " + name + " FROM evaluations WHERE id = " + std::to_string(id)));
  };
  EXPECT_DOUBLE_EQ(column("event_median_ms"), r.timing->event_ms.median);
  EXPECT_DOUBLE_EQ(column("event_p10_ms"), r.timing->event_ms.p10);
  EXPECT_DOUBLE_EQ(column("event_p90_ms"), r.timing->event_ms.p90);
  EXPECT_EQ(column("event_n"), 21);
  EXPECT_DOUBLE_EQ(column("kernel_median_ms"), r.timing->kernel_ms->median);
  EXPECT_DOUBLE_EQ(column("reference_median_ms"), 1.0);
  EXPECT_DOUBLE_EQ(column("speedup_low"), r.speedup->low);
  EXPECT_DOUBLE_EQ(column("baseline_speedup"), r.baseline_speedup->value);
  EXPECT_DOUBLE_EQ(column("baseline_median_ms"), 0.3);
  EXPECT_DOUBLE_EQ(column("roofline_fraction"), r.roofline->fraction);
  EXPECT_EQ(column("suspicious"), 1);
  EXPECT_EQ(QueryText(store, "SELECT status || ' ' || baseline_name FROM evaluations"),
            "correct cuBLASLt test");
  EXPECT_NE(QueryText(store, "SELECT resources_json FROM evaluations").find("\"registers\":32"),
            std::string::npos);

  // A failure keeps its log and message; absent measurements are NULL.
  EvalResult failed = FailedResult(kH100, EvalStatus::kCompileError);
  std::int64_t failed_id = store.RecordEvaluation({cand, run_id, "", true, failed});
  EXPECT_EQ(ToJson(store.GetEvaluation(failed_id)->result), ToJson(failed));
  EXPECT_EQ(QueryText(store,
                      "SELECT coalesce(speedup, 'null') || compile_log FROM evaluations "
                      "WHERE id = " +
                          std::to_string(failed_id)),
            "null" + failed.compile.log);
  EXPECT_EQ(store.EvaluationsOf(cand).size(), 2u);
  EXPECT_THROW(store.RecordEvaluation({cand + 100, run_id, kH100, true, r}), StoreError);
}

TEST(StoreTest, FindEvaluationKeysOnKernelTaskVersionAndDevice) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Task task = MakeTask("reduce");
  std::int64_t task_id = store.AddTask(task, "s1");
  NewCandidate c = testing::TestCandidate(task_id, CandidateSource(1), {{"BS", 128}});
  std::int64_t cand = store.AddCandidate(c);
  const std::string& key = c.key;
  EXPECT_FALSE(store.FindEvaluation(task.content_hash, key, kH100, true));

  std::int64_t untimed =
      store.RecordEvaluation({cand, std::nullopt, kH100, false, CorrectResult(kH100, 1, 2)});
  EXPECT_FALSE(store.FindEvaluation(task.content_hash, key, kH100, true))
      << "an untimed correct result does not answer a timed request";
  EXPECT_EQ(store.FindEvaluation(task.content_hash, key, kH100, false)->id, untimed);

  std::int64_t timed =
      store.RecordEvaluation({cand, std::nullopt, kH100, true, CorrectResult(kH100, 1, 2)});
  EXPECT_EQ(store.FindEvaluation(task.content_hash, key, kH100, true)->id, timed);
  EXPECT_EQ(store.FindEvaluation(task.content_hash, key, kH100, false)->id, timed) << "newest";
  EXPECT_FALSE(store.FindEvaluation(task.content_hash, key, "NVIDIA A100-SXM4-80GB", true));
  EXPECT_FALSE(
      store.FindEvaluation(task.content_hash, CandidateKey(c.source, {{"BS", 256}}), kH100, true));
  EXPECT_FALSE(store.FindEvaluation(MakeTask("reduce", "s1", 2).content_hash, key, kH100, true));

  // A failure is final whatever was asked.
  std::int64_t crashed = store.RecordEvaluation(
      {cand, std::nullopt, kH100, false, FailedResult(kH100, EvalStatus::kCrashed)});
  EXPECT_EQ(store.FindEvaluation(task.content_hash, key, kH100, true)->id, crashed);
}

TEST(StoreTest, LlmCallsRoundTripAndOnlySuccessfulOnesAreFoundByCacheKey) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  std::int64_t task_id = store.AddTask(MakeTask("reduce"), "s1");
  std::int64_t run_id = store.BeginRun(RunInfo{"optimize"});
  LlmCallRecord call;
  call.cache_key = "key-1";
  call.provider = "openai";
  call.model = "model-a";
  call.request_json = R"({"messages": [{"role": "user", "content": "plan"}]})";
  call.response_text = "```cuda\n// plan\n```";
  call.finish_reason = "stop";
  call.input_tokens = 1200;
  call.output_tokens = 340;
  call.reasoning_tokens = 56;
  call.latency_ms = 2345.5;
  call.cost_usd = 0.0123;
  std::int64_t id = store.RecordLlmCall(call, {run_id, task_id, "plan"});
  std::optional<LlmCallRow> row = store.GetLlmCall(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->context.run_id, run_id);
  EXPECT_EQ(row->context.task_id, task_id);
  EXPECT_EQ(row->context.purpose, "plan");
  EXPECT_EQ(row->call.cache_key, call.cache_key);
  EXPECT_EQ(row->call.provider, call.provider);
  EXPECT_EQ(row->call.model, call.model);
  EXPECT_EQ(row->call.request_json, call.request_json);
  EXPECT_EQ(row->call.response_text, call.response_text);
  EXPECT_EQ(row->call.finish_reason, call.finish_reason);
  EXPECT_EQ(row->call.input_tokens, 1200);
  EXPECT_EQ(row->call.output_tokens, 340);
  EXPECT_EQ(row->call.reasoning_tokens, 56);
  EXPECT_DOUBLE_EQ(row->call.latency_ms, 2345.5);
  EXPECT_EQ(row->call.cost_usd, 0.0123);
  EXPECT_EQ(row->call.error, "");

  // A failed call under another key is recorded but never served from the cache.
  LlmCallRecord failed = call;
  failed.cache_key = "key-2";
  failed.response_text = "";
  failed.cost_usd.reset();
  failed.error = "HTTP 500 after 3 attempts";
  StoreLlmCallLog log(store, {run_id, task_id, "code"});
  log.Record(failed);
  EXPECT_FALSE(log.FindByCacheKey("key-2"));
  EXPECT_FALSE(store.GetLlmCall(id + 1)->call.cost_usd) << "an unknown price stays unknown";
  EXPECT_EQ(store.GetLlmCall(id + 1)->context.purpose, "code");
  ASSERT_TRUE(log.FindByCacheKey("key-1"));
  EXPECT_EQ(log.FindByCacheKey("key-1")->response_text, call.response_text);

  // The newest success wins.
  LlmCallRecord newer = call;
  newer.response_text = "second answer";
  log.Record(newer);
  EXPECT_EQ(log.FindByCacheKey("key-1")->response_text, "second answer");
}

std::string CallKey(int thread, int i) {
  char key[32];
  std::snprintf(key, sizeof key, "t%d-%d", thread, i);
  return key;
}

TEST(StoreTest, TheLlmCallLogIsSafeFromManyThreadsAndDurableOnReturn) {
  TempDir dir;
  std::string path = dir.File("kopt.db");
  {
    Store store(path);
    StoreLlmCallLog log(store, {std::nullopt, std::nullopt, "code"});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 50; ++i) {
          LlmCallRecord c{CallKey(t, i), "cmd", "m", "{}", CallKey(t, i)};
          log.Record(c);
          EXPECT_TRUE(log.FindByCacheKey(c.cache_key));
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  // Another connection (as after a restart) sees every call.
  Store reopened(path);
  StoreLlmCallLog log(reopened, {});
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      std::string key = CallKey(t, i);
      ASSERT_TRUE(log.FindByCacheKey(key)) << key;
      EXPECT_EQ(log.FindByCacheKey(key)->response_text, key);
    }
  }
}

TEST(StoreTest, TorchBaselinesRoundTripAndTheNewestOfATaskVersionDeviceAndModeIsFound) {
  TempDir dir;
  Store store(dir.File("kopt.db"));
  Task task = MakeTask("reduce", "s1", 1);
  std::int64_t in_s1 = store.AddTask(task, "s1");
  std::int64_t in_s2 = store.AddTask(task, "s2");  // the same content in another suite
  TorchBaselineRecord eager;
  eager.task_id = in_s1;
  eager.device = "NVIDIA H100 80GB HBM3";
  eager.mode = "eager";
  eager.python_version = "3.12.3";
  eager.torch_version = "2.9.0+cu130";
  eager.triton_version = "3.5.0";
  eager.event_ms = Summary{0.057, 0.056, 0.059, 0.0572, 0.0009, 0.055, 0.061, 120};
  eager.checked_sizes = 6;
  store.RecordTorchBaseline(eager);
  TorchBaselineRecord failed = eager;
  failed.mode = "compile";
  failed.event_ms.reset();
  failed.error = "torch.compile timed out after 300 s";
  store.RecordTorchBaseline(failed);

  std::optional<TorchBaselineRecord> back =
      store.FindTorchBaseline(task.content_hash, eager.device, "eager");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->torch_version, "2.9.0+cu130");
  ASSERT_TRUE(back->event_ms);
  EXPECT_DOUBLE_EQ(back->event_ms->median, 0.057);
  EXPECT_DOUBLE_EQ(back->event_ms->stddev, 0.0009);
  EXPECT_EQ(back->event_ms->n, 120u);
  EXPECT_EQ(back->checked_sizes, 6);
  EXPECT_FALSE(back->compile_ms);
  std::optional<TorchBaselineRecord> compiled =
      store.FindTorchBaseline(task.content_hash, eager.device, "compile");
  ASSERT_TRUE(compiled);
  EXPECT_FALSE(compiled->event_ms);
  EXPECT_EQ(compiled->error, failed.error);
  EXPECT_FALSE(store.FindTorchBaseline(task.content_hash, "NVIDIA A100-SXM4-80GB", "eager"));

  // Measured again (a newer PyTorch), from the other suite's row: the newest wins.
  TorchBaselineRecord newer = eager;
  newer.task_id = in_s2;
  newer.torch_version = "2.10.0";
  newer.event_ms->median = 0.050;
  store.RecordTorchBaseline(newer);
  back = store.FindTorchBaseline(task.content_hash, eager.device, "eager");
  EXPECT_EQ(back->torch_version, "2.10.0");
  EXPECT_EQ(back->task_id, in_s2);
}

TEST(StoreTest, ErrorsNameTheFileTheStatementAndSqlitesReason) {
  TempDir dir;
  std::string path = dir.File("kopt.db");
  Store store(path);
  NewCandidate orphan = testing::TestCandidate(12345, "src");
  try {
    store.AddCandidate(orphan);
    FAIL() << "a candidate of no task was stored";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("INSERT INTO candidates"), std::string::npos) << msg;
    EXPECT_NE(msg.find("FOREIGN KEY constraint failed"), std::string::npos) << msg;
  }
  // The failed transaction was rolled back; the store carries on.
  EXPECT_EQ(QueryText(store, "SELECT count(*) FROM candidates"), "0");
  EXPECT_GT(store.AddTask(MakeTask("reduce"), "s1"), 0);
}

TEST(StoreTest, TheWalStartsOverWhileAWriterKeepsCommitting) {
  // Checkpoints run beside the writer; without the writer's own final step the WAL would only
  // ever grow. 3000 evaluations write about 75 MB of WAL frames.
  TempDir dir;
  std::string path = dir.File("kopt.db");
  Store store(path);
  std::int64_t task_id = store.AddTask(MakeTask("reduce"), "s1");
  NewCandidate c = testing::TestCandidate(task_id, CandidateSource(1), {{"BS", 128}});
  std::int64_t cand = store.AddCandidate(c);
  EvalResult r = CorrectResult(kH100, 0.5, 1.0);
  for (int i = 0; i < 3000; ++i) store.RecordEvaluation({cand, std::nullopt, "", true, r});
  std::uintmax_t wal = std::filesystem::file_size(path + "-wal");
  EXPECT_LT(wal, 25u * 1000 * 1000) << "the WAL grew without bound: " << wal << " bytes";
  EXPECT_EQ(QueryText(store, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(QueryText(store, "SELECT count(*) FROM evaluations"), "3000");
}

TEST(StoreTest, AnInMemoryStoreWorks) {
  Store store(":memory:");
  std::int64_t task_id = store.AddTask(MakeTask("reduce"), "s1");
  EXPECT_GT(store.ReferenceCandidate(task_id), 0);
}

}  // namespace
}  // namespace kopt
