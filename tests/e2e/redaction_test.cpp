// SPDX-License-Identifier: Apache-2.0
// Known secrets end to end: a random canary as OPENAI_API_KEY, also in the command line, in a
// prompt and in the fake server's answers, reaches the server's auth header and nothing else:
// not stdout or stderr, not a file of the database, not a request body, not a command's stdin.
#include "results/store.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/run_kopt.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace kopt {
namespace {

namespace fs = std::filesystem;
using testing::FakeLlmServer;
using testing::Output;

std::string RandomCanary() {
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  return std::string("sk-canary-") + hex;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RedactionTest : public ::testing::Test {
 protected:
  RedactionTest() : canary_(RandomCanary()), db_password_(RandomCanary()) {
    std::string script = dir_.File("script.json");
    std::ofstream(script) << nlohmann::json(
        {{"responses",
          {{{"match", "first"}, {"text", "here is your key back: " + canary_}, {"times", 0}},
           {{"match", "second"},
            {"status", 400},
            {"error", "invalid request from key " + canary_},
            {"times", 0}}}}});
    server_ = std::make_unique<FakeLlmServer>(
        KOPT_FAKE_LLM_SERVER, std::vector<std::string>{"--require-key", canary_, "--script", script,
                                                       "--request-log", RequestLog()});
    fs::create_directory(DbDir());
    Store store(Db());  // `llm test` records its calls only in an existing database
  }

  // The canary is the key, sent to the fake server only because its variable is named.
  Output Kopt(const std::string& args) {
    return testing::RunKopt(args, "2>&1", "OPENAI_API_KEY=" + canary_);
  }
  std::string LlmTest(const std::string& model) const {
    return "--db " + Db() + " llm test " + model + " --api-key-env OPENAI_API_KEY";
  }
  std::string DbDir() const { return dir_.File("db"); }
  std::string Db() const { return DbDir() + "/kopt.db"; }
  std::string RequestLog() const { return dir_.File("requests.jsonl"); }

  testing::TempDir dir_;
  const std::string canary_;
  const std::string db_password_;  // known only from the command line
  std::unique_ptr<FakeLlmServer> server_;
};

TEST_F(RedactionTest, TheKeyReachesOnlyTheServersAuthHeader) {
  std::string model = "openai:scripted@" + server_->openai_url();
  std::vector<Output> outputs;
  // An answer that echoes the key, in a table and as JSON.
  outputs.push_back(Kopt(LlmTest(model) + " --prompt 'first: my key is " + canary_ + "'"));
  EXPECT_EQ(outputs.back().code, 0) << outputs.back().text;
  EXPECT_TRUE(Has(outputs.back().text, "here is your key back: [redacted]")) << outputs.back().text;
  outputs.push_back(Kopt(LlmTest(model) + " --prompt 'first again' --format json"));
  EXPECT_EQ(outputs.back().code, 0) << outputs.back().text;
  // An error answer that echoes the key.
  outputs.push_back(Kopt(LlmTest(model) + " --prompt 'second " + canary_ + "'"));
  EXPECT_EQ(outputs.back().code, 1) << outputs.back().text;
  EXPECT_TRUE(Has(outputs.back().text, "invalid request from key [redacted]"))
      << outputs.back().text;
  // The prompt, on a command's stdin: tee keeps a copy of what the command was given.
  std::string stdin_copy = dir_.File("command_stdin.txt");
  outputs.push_back(Kopt("--db " + dir_.File("none.db") + " llm test 'cmd:tee " + stdin_copy +
                         "' --prompt 'key " + canary_ + "'"));
  EXPECT_EQ(outputs.back().code, 0) << outputs.back().text;
  EXPECT_EQ(ReadFile(stdin_copy), "key [redacted]");
  // A database URL's password, and the key in an argument that a parse error echoes.
  outputs.push_back(Kopt("--db 'postgres://kopt:" + db_password_ + "@db.example/kopt' runs"));
  EXPECT_EQ(outputs.back().code, 2) << outputs.back().text;
  EXPECT_TRUE(Has(outputs.back().text, "postgres://kopt:[redacted]@db.example/kopt"))
      << outputs.back().text;
  outputs.push_back(Kopt("--db " + Db() + " runs --limit " + canary_));
  EXPECT_EQ(outputs.back().code, 2) << outputs.back().text;
  outputs.push_back(Kopt("--db " + Db() + " runs --format json"));
  EXPECT_EQ(outputs.back().code, 0) << outputs.back().text;

  for (const auto& out : outputs) {
    EXPECT_FALSE(Has(out.text, canary_)) << out.text;
    EXPECT_FALSE(Has(out.text, db_password_)) << out.text;
  }
  int db_files = 0;
  for (const auto& entry : fs::directory_iterator(DbDir())) {
    ++db_files;
    EXPECT_FALSE(Has(ReadFile(entry.path()), canary_)) << entry.path();
  }
  EXPECT_GE(db_files, 1);
  {
    Store store(Db(), Store::OpenMode::kExisting);
    std::int64_t calls = store.WithDatabase(
        [](Database& d) { return d.QueryInt("SELECT count(*) FROM llm_calls"); });
    EXPECT_EQ(calls, 3) << "two answers and one error recorded";
  }
  std::string log = ReadFile(RequestLog());
  EXPECT_FALSE(Has(log, canary_)) << log;
  std::ifstream in(RequestLog());
  int requests = 0;
  for (std::string line; std::getline(in, line); ++requests) {
    nlohmann::json request = nlohmann::json::parse(line);
    EXPECT_EQ(request["auth"], "ok") << "the key reached the Authorization header: " << line;
  }
  EXPECT_EQ(requests, 3);
  EXPECT_TRUE(Has(log, "first: my key is [redacted]")) << log;
}

TEST_F(RedactionTest, SecretsStoredBeforeAreNotPrinted) {
  // A database written by a process that did not know the secret (an older kopt, another key).
  std::string legacy = dir_.File("legacy.db");
  std::int64_t candidate = 0;
  {
    Store store(legacy);
    RunInfo info;
    info.command = "optimize";
    info.argv = {"kopt", "optimize", "--note", canary_};
    std::int64_t run = store.BeginRun(info);
    std::int64_t task = store.AddTask(testing::MakeTask("reduce_a", "s1"), "s1");
    NewCandidate c = testing::TestCandidate(
        task, testing::CandidateSource(1) + "// " + canary_ + "\n", {{"BS", 256}}, "llm");
    c.run_id = run;
    c.parent_id = store.ReferenceCandidate(task);
    c.plan = "use the key " + canary_;
    candidate = store.AddCandidate(c);
    store.FinishRun(run, "failed", "stopped by " + canary_);
  }
  ASSERT_TRUE(Has(ReadFile(legacy), canary_) || Has(ReadFile(legacy + "-wal"), canary_));
  std::string show = "show " + std::to_string(candidate);
  for (const std::string& args :
       std::vector<std::string>{"runs", "runs --format json", show, show + " --format json"}) {
    Output out = Kopt("--db " + legacy + " " + args);
    EXPECT_EQ(out.code, 0) << args << "\n" << out.text;
    EXPECT_FALSE(Has(out.text, canary_)) << args << "\n" << out.text;
    EXPECT_TRUE(Has(out.text, "[redacted]")) << args << "\n" << out.text;
  }
}

}  // namespace
}  // namespace kopt
