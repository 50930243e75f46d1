// SPDX-License-Identifier: Apache-2.0
// The external-command provider with real processes under /bin/sh.
#include "llm/command_provider.h"

#include "core/secrets.h"

#include <gtest/gtest.h>

#include <chrono>

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
