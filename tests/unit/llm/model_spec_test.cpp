// SPDX-License-Identifier: Apache-2.0
#include "llm/model_spec.h"

#include "core/error.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

std::string ErrorOf(const std::string& spec) {
  try {
    ParseModelSpec(spec, "--model");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelSpecTest, ParsesEachProviderForm) {
  ModelSpec a = ParseModelSpec("openai:gpt-5-mini");
  EXPECT_EQ(a.kind, ProviderKind::kOpenAi);
  EXPECT_EQ(a.provider, "openai");
  EXPECT_EQ(a.model, "gpt-5-mini");
  EXPECT_EQ(a.base_url, "");

  ModelSpec b = ParseModelSpec("anthropic:claude-sonnet-4-5");
  EXPECT_EQ(b.kind, ProviderKind::kAnthropic);
  EXPECT_EQ(b.model, "claude-sonnet-4-5");

  ModelSpec c = ParseModelSpec("openai:qwen2.5-coder@http://localhost:8000/v1/");
  EXPECT_EQ(c.model, "qwen2.5-coder");
  EXPECT_EQ(c.base_url, "http://localhost:8000/v1");

  ModelSpec d = ParseModelSpec("openrouter:deepseek/deepseek-r1:free");
  EXPECT_EQ(d.kind, ProviderKind::kOpenRouter);
  EXPECT_EQ(d.model, "deepseek/deepseek-r1:free");

  ModelSpec e = ParseModelSpec("cmd:\"llm -m x\"");
  EXPECT_EQ(e.kind, ProviderKind::kCommand);
  EXPECT_EQ(e.provider, "cmd");
  EXPECT_EQ(e.model, "llm -m x");
  EXPECT_EQ(ParseModelSpec("cmd:cat").model, "cat");

  ModelSpec f = ParseModelSpec("replay:anthropic:claude-haiku-4-5@http://127.0.0.1:9/");
  EXPECT_EQ(f.kind, ProviderKind::kReplay);
  EXPECT_EQ(f.provider, "anthropic");
  EXPECT_EQ(f.model, "claude-haiku-4-5");
}

TEST(ModelSpecTest, OllamaStyleModelNamesKeepTheirColon) {
  ModelSpec s = ParseModelSpec("openai:qwen2.5-coder:7b@http://127.0.0.1:11434/v1");
  EXPECT_EQ(s.model, "qwen2.5-coder:7b");
  EXPECT_EQ(s.base_url, "http://127.0.0.1:11434/v1");
}

TEST(ModelSpecTest, BadSpecsNameTheFlagAndTheForms) {
  EXPECT_NE(ErrorOf("gpt-5-mini").find("--model 'gpt-5-mini': expected openai:MODEL"),
            std::string::npos);
  EXPECT_NE(ErrorOf("gemini:pro").find("unknown provider 'gemini'"), std::string::npos);
  EXPECT_NE(ErrorOf("openai:").find("no model name"), std::string::npos);
  EXPECT_NE(ErrorOf("openai:x@localhost:8000").find("must start with http://"), std::string::npos);
  EXPECT_NE(ErrorOf("cmd:\"\"").find("needs a command"), std::string::npos);
  EXPECT_NE(ErrorOf("replay:replay:openai:x").find("replay of a replay"), std::string::npos);
}

TEST(ModelSpecTest, DefaultBaseUrls) {
  EXPECT_EQ(DefaultBaseUrl(ProviderKind::kOpenAi), "https://api.openai.com/v1");
  EXPECT_EQ(DefaultBaseUrl(ProviderKind::kAnthropic), "https://api.anthropic.com");
  EXPECT_EQ(DefaultBaseUrl(ProviderKind::kOpenRouter), "https://openrouter.ai/api/v1");
}

}  // namespace
}  // namespace kopt
