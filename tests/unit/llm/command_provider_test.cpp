// SPDX-License-Identifier: Apache-2.0
// The external-command provider with real processes under /bin/sh.
#include "llm/command_provider.h"

#include "core/secrets.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace kopt {
namespace {

CompletionRequest Request(std::string user) {
  CompletionRequest r;
  r.messages = {{"system", "be brief"}, {"user", std::move(user)}};
  r.purpose = "plan";
  r.sample_index = 2;
  r.max_tokens = 64;
  return r;
}

ProviderOptions Options(double timeout_s = 10) {
  ProviderOptions o;
  o.timeout_s = timeout_s;
  return o;
}

// A file the command writes a background process's pid into ($! of `sleep 30 &`).
std::string PidFile() {
  return "/tmp/kopt-command-test-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pid";
}

// Whether `pid` still runs (a zombie has ended), waiting up to 2 s for it to end.
bool StillRunningAfterAWhile(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    std::size_t close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z') {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

pid_t ReadPid(const std::string& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  std::remove(file.c_str());
  return pid;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(CommandProviderTest, ThePromptGoesInAndTheAnswerComesOut) {
  CommandProvider p("cat", Options());
  CompletionResult r = p.Complete(Request("hello"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "be brief\n\nhello");
  EXPECT_EQ(r.value().finish_reason, "stop");
  EXPECT_FALSE(r.value().cost_usd);  // a command has no price
  EXPECT_EQ(p.name(), "cmd");
  EXPECT_EQ(p.model(), "cat");
}

TEST(CommandProviderTest, TheCommandNeverReceivesAKnownSecret) {
  ProcessSecrets().Add("sk-command-canary-3f9a");
  CommandProvider p("cat", Options());
  CompletionResult r = p.Complete(Request("my key is sk-command-canary-3f9a, use it"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "be brief\n\nmy key is [redacted], use it");
}

TEST(CommandProviderTest, TheCommandSeesTheCallsParametersInItsEnvironment) {
  CommandProvider p("echo \"$KOPT_LLM_PURPOSE $KOPT_LLM_SAMPLE_INDEX $KOPT_LLM_MAX_TOKENS\"",
                    Options());
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "plan 2 64");
}

TEST(CommandProviderTest, ANonZeroExitIsAnErrorWithTheStderrTail) {
  CommandProvider p("echo 'model not found: x' >&2; exit 3", Options());
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kCommand);
  EXPECT_NE(r.error().message.find("exited with code 3"), std::string::npos);
  EXPECT_NE(r.error().message.find("its stderr ends: model not found: x"), std::string::npos)
      << r.error().message;
}

TEST(CommandProviderTest, NoOutputIsAnError) {
  CommandProvider p("true", Options());
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("printed nothing"), std::string::npos);
}

TEST(CommandProviderTest, ACommandPastItsTimeoutIsKilledWithItsChildren) {
  CommandProvider p("echo started >&2; sleep 30 & sleep 30", Options(0.3));
  auto start = std::chrono::steady_clock::now();
  CompletionResult r = p.Complete(Request("x"));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kTimeout);
  EXPECT_NE(r.error().message.find("did not finish within 0.3 s"), std::string::npos);
  EXPECT_NE(r.error().message.find("started"), std::string::npos);
  EXPECT_LT(s, 3.0);
}

TEST(CommandProviderTest, ATimeoutKillsWhatTheCommandStarted) {
  std::string pids = PidFile();
  CommandProvider p("sleep 30 & echo $! > " + pids + "; sleep 30", Options(0.3));
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kTimeout);
  pid_t background = ReadPid(pids);
  ASSERT_GT(background, 0);
  EXPECT_FALSE(StillRunningAfterAWhile(background));
}

// The command answered and exited, but a process it started still holds its stdout: the answer
// comes back at once (not at the timeout), and that process is killed.
TEST(CommandProviderTest, AGrandchildHoldingThePipeNeitherLosesTheAnswerNorSurvives) {
  std::string pids = PidFile();
  CommandProvider p("sleep 30 & echo $! > " + pids + "; echo answer", Options(10));
  auto start = std::chrono::steady_clock::now();
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "answer");
  EXPECT_LT(Seconds(start), 3.0);
  pid_t background = ReadPid(pids);
  ASSERT_GT(background, 0);
  EXPECT_FALSE(StillRunningAfterAWhile(background));
}

TEST(CommandProviderTest, NothingTheCommandStartedOutlivesIt) {
  std::string pids = PidFile();
  CommandProvider p("sleep 30 < /dev/null > /dev/null 2>&1 & echo $! > " + pids + "; echo answer",
                    Options(10));
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "answer");
  pid_t background = ReadPid(pids);
  ASSERT_GT(background, 0);
  EXPECT_FALSE(StillRunningAfterAWhile(background));
}

TEST(CommandProviderTest, ACommandThatIgnoresALargePromptDoesNotHurtKopt) {
  CommandProvider p("echo done", Options());
  CompletionResult r = p.Complete(Request(std::string(4 << 20, 'x')));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "done");
}

TEST(CommandProviderTest, OutputBeyondTheLimitIsCut) {
  ProviderOptions o = Options();
  o.max_response_bytes = 1000;
  CommandProvider p("head -c 100000 /dev/zero", o);
  CompletionResult r = p.Complete(Request("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  EXPECT_NE(r.error().message.find("more than 1000 bytes"), std::string::npos);
}

}  // namespace
}  // namespace kopt
