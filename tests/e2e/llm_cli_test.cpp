// SPDX-License-Identifier: Apache-2.0
// `kopt llm test` end to end against the fake LLM server: what it prints, its exit codes, and
// that the key never shows.
#include "results/store.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace kopt {
namespace {

using testing::FakeLlmServer;

const char* kKey = "sk-kopt-cli-test-9d7b5f3a1c";

using testing::Output;

Output Kopt(const std::string& env, const std::string& args) {
  return testing::RunKopt(args, "2>&1", env);
}

class LlmCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<FakeLlmServer>(KOPT_FAKE_LLM_SERVER,
                                              std::vector<std::string>{"--require-key", kKey});
  }
  std::string Env() const { return std::string("KOPT_TEST_KEY=") + kKey; }
  std::unique_ptr<FakeLlmServer> server_;
};

TEST_F(LlmCliTest, PrintsLatencyTokensAndAnUnknownCost) {
  Output out = Kopt(Env(), "llm test openai:echo@" + server_->openai_url() +
                               " --api-key-env KOPT_TEST_KEY --prompt 'say ready'");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("latency"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("(1 attempt)"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find(" in, "), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("cost      unknown (no price for openai:echo"), std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("answer    echo: say ready"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find(kKey), std::string::npos);
}

TEST_F(LlmCliTest, APriceFileGivesACostAndJsonIsMachineReadable) {
  std::string prices = server_->dir() + "/prices.json";
  {
    std::ofstream f(prices);
    f << R"({"schema_version": 1, "models": {"anthropic:echo": {"input": 3, "output": 15}}})";
  }
  Output out =
      Kopt(Env(), "llm test anthropic:echo@" + server_->anthropic_url() +
                      " --api-key-env KOPT_TEST_KEY --prices " + prices + " --format json");
  ASSERT_EQ(out.code, 0) << out.text;
  auto j = nlohmann::json::parse(out.text);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["provider"], "anthropic");
  EXPECT_GT(j["input_tokens"].get<int>(), 0);
  EXPECT_GT(j["cost_usd"].get<double>(), 0.0);
  EXPECT_EQ(j["finish_reason"], "stop");
}

TEST_F(LlmCliTest, TheCallIsRecordedInTheStoreAndTheKeyIsNowhereInTheFile) {
  std::string db = server_->dir() + "/kopt.db";
  { Store store(db); }
  Output out = Kopt(Env(), "--db " + db + " llm test openai:echo@" + server_->openai_url() +
                               " --api-key-env KOPT_TEST_KEY --prompt 'say stored'");
  ASSERT_EQ(out.code, 0) << out.text;
  Output failed = Kopt("KOPT_TEST_KEY=sk-the-wrong-one-777",
                       "--db " + db + " llm test openai:echo@" + server_->openai_url() +
                           " --api-key-env KOPT_TEST_KEY");
  EXPECT_EQ(failed.code, 1) << failed.text;
  {
    Store store(db, Store::OpenMode::kExisting);
    std::int64_t calls = store.WithDatabase([](Database& d) {
      return d.QueryInt("SELECT count(*) FROM llm_calls WHERE purpose = 'test'");
    });
    EXPECT_EQ(calls, 2) << "the successful and the failed call";
  }
  // The database file, its WAL and its shared memory hold neither key, in any form.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream in(db + suffix, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(kKey), std::string::npos) << db << suffix;
    EXPECT_EQ(bytes.find("sk-the-wrong-one-777"), std::string::npos) << db << suffix;
  }
}

TEST_F(LlmCliTest, AFailedCallExitsWithOneAndNeverPrintsTheKey) {
  Output out =
      Kopt("KOPT_TEST_KEY=sk-the-wrong-one-4242",
           "llm test openai:echo@" + server_->openai_url() + " --api-key-env KOPT_TEST_KEY");
  EXPECT_EQ(out.code, 1) << out.text;
  EXPECT_NE(out.text.find("failed: auth: HTTP 401"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("sk-the-wrong-one-4242"), std::string::npos) << out.text;
  Output retried = Kopt(Env(), "llm test openai:fail:500@" + server_->openai_url() +
                                   " --api-key-env KOPT_TEST_KEY --attempts 2");
  EXPECT_EQ(retried.code, 1);
  EXPECT_NE(retried.text.find("retrying in"), std::string::npos) << retried.text;
  EXPECT_NE(retried.text.find("(after 2 attempts)"), std::string::npos) << retried.text;
}

TEST_F(LlmCliTest, ConfigurationErrorsExitWithTwo) {
  Output bad_spec = Kopt("", "llm test gpt-5-mini");
  EXPECT_EQ(bad_spec.code, 2);
  EXPECT_NE(bad_spec.text.find("MODEL 'gpt-5-mini': expected openai:MODEL"), std::string::npos)
      << bad_spec.text;
  Output no_key = Kopt("env -u OPENAI_API_KEY", "llm test openai:gpt-5-mini");
  EXPECT_EQ(no_key.code, 2);
  EXPECT_NE(no_key.text.find("OPENAI_API_KEY is not set"), std::string::npos) << no_key.text;
  Output replay = Kopt("", "--db " + server_->dir() + "/none.db llm test replay:openai:gpt-5-mini");
  EXPECT_EQ(replay.code, 2);
  EXPECT_NE(replay.text.find("replay answers from a store"), std::string::npos) << replay.text;
  EXPECT_NE(replay.text.find("none.db does not exist"), std::string::npos) << replay.text;
  Output no_sub = Kopt("", "llm");
  EXPECT_EQ(no_sub.code, 2);
}

TEST_F(LlmCliTest, AnExternalCommandIsAModelToo) {
  Output out = Kopt("", "llm test 'cmd:\"tr a-z A-Z\"' --prompt 'say ready'");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("answer    SAY READY"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("cost      unknown"), std::string::npos) << out.text;
}

}  // namespace
}  // namespace kopt
