// SPDX-License-Identifier: Apache-2.0
// The JSON each API is sent and how each answer is read, from literal documents.
#include "llm/anthropic_provider.h"
#include "llm/openai_provider.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using nlohmann::json;

CompletionRequest Request() {
  CompletionRequest r;
  r.messages = {{"system", "be brief"}, {"user", "hello"}};
  r.max_tokens = 512;
  return r;
}

TEST(OpenAiWireTest, BodySendsOnlyWhatIsSet) {
  json body = OpenAiRequestBody(Request(), "gpt-5-mini", "max_completion_tokens", true, true);
  EXPECT_EQ(body, json::parse(R"({"model": "gpt-5-mini", "max_completion_tokens": 512,
      "messages": [{"role": "system", "content": "be brief"},
                   {"role": "user", "content": "hello"}]})"));
  CompletionRequest r = Request();
  r.temperature = 0.5;
  r.reasoning_effort = "low";
  body = OpenAiRequestBody(r, "qwen", "max_tokens", true, true);
  EXPECT_EQ(body["max_tokens"], 512);
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["reasoning_effort"], "low");
  body = OpenAiRequestBody(r, "qwen", "max_tokens", false, false);
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("reasoning_effort"));
}

TEST(OpenAiWireTest, ReadsTextFinishAndUsageWithReasoning) {
  CompletionResult r = ParseOpenAiAnswer(json::parse(R"({
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 30,
              "completion_tokens_details": {"reasoning_tokens": 25}}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().text, "hi");
  EXPECT_EQ(r.value().finish_reason, "stop");
  EXPECT_EQ(r.value().input_tokens, 12);
  EXPECT_EQ(r.value().output_tokens, 30);
  EXPECT_EQ(r.value().reasoning_tokens, 25);
}

TEST(OpenAiWireTest, AllTokensSpentOnReasoningIsAnEmptyLengthAnswer) {
  CompletionResult r = ParseOpenAiAnswer(json::parse(R"({"choices": [{"message":
      {"role": "assistant", "content": null}, "finish_reason": "length"}]})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().text, "");
  EXPECT_EQ(r.value().finish_reason, "length");
}

TEST(OpenAiWireTest, MissingChoicesOrContentIsABadResponse) {
  for (const char* text : {R"({"choices": []})", R"({"id": "x"})",
                           R"({"choices": [{"message": {"role": "assistant"},
                               "finish_reason": "stop"}]})"}) {
    CompletionResult r = ParseOpenAiAnswer(json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  }
}

TEST(OpenAiWireTest, AnErrorSentWithStatus200IsShown) {
  CompletionResult r =
      ParseOpenAiAnswer(json::parse(R"({"error": {"message": "model is loading"}})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the answer has no choices but an error: model is loading");
}

TEST(AnthropicWireTest, SystemGoesTopLevelAndEffortReplacesTemperature) {
  CompletionRequest r = Request();
  r.temperature = 0.3;
  json body = AnthropicRequestBody(r, "claude-sonnet-4-5");
  EXPECT_EQ(body, json::parse(R"({"model": "claude-sonnet-4-5", "max_tokens": 512,
      "system": "be brief", "temperature": 0.3,
      "messages": [{"role": "user", "content": "hello"}]})"));
  r.reasoning_effort = "medium";
  body = AnthropicRequestBody(r, "claude-opus-4-6");
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_EQ(body["thinking"], json::parse(R"({"type": "adaptive"})"));
  EXPECT_EQ(body["output_config"], json::parse(R"({"effort": "medium"})"));
}

TEST(AnthropicWireTest, ReadsTextBlocksAndNormalisesTheStopReason) {
  CompletionResult r = ParseAnthropicAnswer(json::parse(R"({
    "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "a"},
                {"type": "text", "text": "b"}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 10, "cache_read_input_tokens": 5, "output_tokens": 7}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().text, "ab");
  EXPECT_EQ(r.value().finish_reason, "stop");
  EXPECT_EQ(r.value().input_tokens, 15);
  EXPECT_EQ(r.value().output_tokens, 7);
  r = ParseAnthropicAnswer(json::parse(R"({"content": [], "stop_reason": "max_tokens"})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().finish_reason, "length");
  r = ParseAnthropicAnswer(json::parse(R"({"content": [], "stop_reason": "end_turn"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
}

}  // namespace
}  // namespace kopt
