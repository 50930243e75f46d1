// SPDX-License-Identifier: Apache-2.0
#include "llm/cached_provider.h"

#include "llm/replay_provider.h"
#include "tests/support/memory_call_log.h"
#include "tests/unit/llm/fake_provider.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kopt {
namespace {

using testing::EchoAnswer;
using testing::FakeProvider;
using testing::MemoryCallLog;
using testing::UserRequest;

TEST(CacheKeyTest, IsStableAndCoversEveryParameter) {
  CompletionRequest r = UserRequest("tile the loop");
  std::string key = LlmCacheKey("openai", "gpt-5-mini", r);
  EXPECT_EQ(key.size(), 64u);
  // A golden value: changing what goes into the key must be deliberate (bump kKeyVersion). It
  // is the SHA-256 of the sorted, compact JSON {"key_version":1,"max_tokens":1000,"messages":
  // [...],"model":"gpt-5-mini","provider":"openai","reasoning_effort":"","sample_index":0,
  // "temperature":null}, checked with an independent implementation.
  EXPECT_EQ(key, "5f208fdabc8de0da0e8b06a21eb72e09da0f4cf736d77dd999720b531939bb80");
}

TEST(CacheKeyTest, ChangesWithEachPartButNotWithThePurpose) {
  CompletionRequest r = UserRequest("tile the loop");
  std::string key = LlmCacheKey("openai", "gpt-5-mini", r);
  EXPECT_NE(key, LlmCacheKey("anthropic", "gpt-5-mini", r));
  EXPECT_NE(key, LlmCacheKey("openai", "gpt-5", r));
  auto changed = [&](auto edit) {
    CompletionRequest c = r;
    edit(c);
    return LlmCacheKey("openai", "gpt-5-mini", c);
  };
  EXPECT_NE(key, changed([](auto& c) { c.sample_index = 1; }));
  EXPECT_NE(key, changed([](auto& c) { c.temperature = 0.7; }));
  EXPECT_NE(key, changed([](auto& c) { c.max_tokens = 999; }));
  EXPECT_NE(key, changed([](auto& c) { c.reasoning_effort = "high"; }));
  EXPECT_NE(key, changed([](auto& c) { c.messages[1].content += " "; }));
  EXPECT_NE(key, changed([](auto& c) { c.messages[0].role = "user"; }));
  EXPECT_EQ(key, changed([](auto& c) { c.purpose = "code"; }));
}

TEST(CacheKeyTest, InvalidUtf8InAPromptDoesNotThrow) {
  CompletionRequest r = UserRequest(std::string("log: \xff\xfe bytes"));
  EXPECT_EQ(LlmCacheKey("openai", "m", r).size(), 64u);
  EXPECT_NE(LlmCacheKey("openai", "m", r), LlmCacheKey("openai", "m", UserRequest("log: ")));
}

TEST(CachedProviderTest, SecondIdenticalCallIsAnsweredFromTheLog) {
  FakeProvider inner(EchoAnswer);
  MemoryCallLog log;
  CachedProvider p(inner, log);
  CompletionResult first = p.Complete(UserRequest("tile the loop"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.value().from_cache);
  EXPECT_EQ(first.value().cache_key.size(), 64u);
  CompletionResult second = p.Complete(UserRequest("tile the loop"));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.value().from_cache);
  EXPECT_EQ(second.value().text, first.value().text);
  EXPECT_EQ(second.value().output_tokens, 50);
  EXPECT_EQ(second.value().cost_usd, 0.001);
  EXPECT_EQ(second.value().attempts, 0);
  EXPECT_EQ(inner.calls(), 1);
  std::vector<LlmCallRecord> records = log.records();
  ASSERT_EQ(records.size(), 1u);
  const LlmCallRecord& rec = records[0];
  EXPECT_EQ(rec.provider, "openai");
  EXPECT_EQ(rec.model, "gpt-5-mini");
  EXPECT_EQ(rec.cache_key, first.value().cache_key);
  auto request = nlohmann::json::parse(rec.request_json);
  EXPECT_EQ(request["purpose"], "plan");
  EXPECT_EQ(request["sample_index"], 0);
  EXPECT_EQ(request["messages"][1]["content"], "tile the loop");
}

TEST(CachedProviderTest, AnotherSampleIndexIsANewCall) {
  FakeProvider inner(EchoAnswer);
  MemoryCallLog log;
  CachedProvider p(inner, log);
  p.Complete(UserRequest("x", 0));
  p.Complete(UserRequest("x", 1));
  p.Complete(UserRequest("x", 1));
  EXPECT_EQ(inner.calls(), 2);
}

TEST(CachedProviderTest, FailedCallsAreRecordedButNeverReplayed) {
  int n = 0;
  FakeProvider inner([&](const CompletionRequest& r) -> CompletionResult {
    if (n++ == 0) return LlmError{LlmErrorKind::kServer, "HTTP 500 from somewhere: oops"};
    return EchoAnswer(r);
  });
  MemoryCallLog log;
  CachedProvider p(inner, log);
  EXPECT_FALSE(p.Complete(UserRequest("x")).ok());
  CompletionResult again = p.Complete(UserRequest("x"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().from_cache);
  ASSERT_EQ(log.records().size(), 2u);
  EXPECT_EQ(log.records()[0].error, "server: HTTP 500 from somewhere: oops");
  EXPECT_EQ(log.records()[1].error, "");
}

TEST(CachedProviderTest, BudgetRefusalsAreNotRecorded) {
  FakeProvider inner([](const CompletionRequest&) -> CompletionResult {
    return LlmError{LlmErrorKind::kBudget, "budget 'run': call limit of 1 reached"};
  });
  MemoryCallLog log;
  CachedProvider p(inner, log);
  EXPECT_EQ(p.Complete(UserRequest("x")).error().kind, LlmErrorKind::kBudget);
  EXPECT_TRUE(log.records().empty());
}

TEST(CachedProviderTest, RecordOnlyModeAlwaysCalls) {
  FakeProvider inner(EchoAnswer);
  MemoryCallLog log;
  CachedProvider p(inner, log, CacheMode::kRecordOnly);
  p.Complete(UserRequest("x"));
  p.Complete(UserRequest("x"));
  EXPECT_EQ(inner.calls(), 2);
  EXPECT_EQ(log.records().size(), 2u);
}

TEST(ReplayProviderTest, AnswersRecordedCallsAndNamesWhatIsMissing) {
  FakeProvider inner(EchoAnswer);
  MemoryCallLog log;
  CachedProvider recorder(inner, log);
  CompletionRequest r = UserRequest("tile the loop");
  ASSERT_TRUE(recorder.Complete(r).ok());

  ReplayProvider replay("openai", "gpt-5-mini", log);
  CompletionResult hit = replay.Complete(r);
  ASSERT_TRUE(hit.ok());
  EXPECT_TRUE(hit.value().from_cache);
  EXPECT_EQ(hit.value().text, "echo: tile the loop");

  CompletionRequest other = UserRequest("tile the loop", 3);
  other.purpose = "code";
  CompletionResult miss = replay.Complete(other);
  ASSERT_FALSE(miss.ok());
  EXPECT_EQ(miss.error().kind, LlmErrorKind::kCacheMiss);
  const std::string& m = miss.error().message;
  EXPECT_NE(m.find("openai:gpt-5-mini"), std::string::npos) << m;
  EXPECT_NE(m.find("purpose 'code'"), std::string::npos) << m;
  EXPECT_NE(m.find("sample 3"), std::string::npos) << m;
  EXPECT_NE(m.find(LlmCacheKey("openai", "gpt-5-mini", other)), std::string::npos) << m;
}

}  // namespace
}  // namespace kopt
