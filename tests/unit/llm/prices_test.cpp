// SPDX-License-Identifier: Apache-2.0
#include "llm/prices.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kopt {
namespace {

TEST(PricesTest, BuiltInTableIsDatedAndPricesKnownModels) {
  PriceTable t = PriceTable::BuiltIn();
  EXPECT_FALSE(t.as_of().empty());
  EXPECT_GT(t.size(), 10u);
  auto p = t.Find("openai", "gpt-5-mini");
  ASSERT_TRUE(p);
  EXPECT_GT(p->output_per_mtok, p->input_per_mtok);
  // 1M input + 1M output tokens cost exactly the two list prices.
  auto cost = t.CostUsd("anthropic", "claude-sonnet-4-5", 1000000, 1000000);
  ASSERT_TRUE(cost);
  auto sonnet = t.Find("anthropic", "claude-sonnet-4-5");
  EXPECT_DOUBLE_EQ(*cost, sonnet->input_per_mtok + sonnet->output_per_mtok);
}

TEST(PricesTest, DatedSnapshotsFallBackToTheBaseName) {
  PriceTable t = PriceTable::BuiltIn();
  EXPECT_TRUE(t.Find("anthropic", "claude-sonnet-4-5-20250929"));
  EXPECT_TRUE(t.Find("openai", "gpt-5-mini-2025-08-07"));
  EXPECT_FALSE(t.Find("openai", "gpt-5-mini-preview"));
}

TEST(PricesTest, UnknownModelsCostUnknownNotZero) {
  PriceTable t = PriceTable::BuiltIn();
  EXPECT_FALSE(t.CostUsd("openai", "qwen2.5-coder", 1000, 1000));
  EXPECT_FALSE(t.CostUsd("cmd", "llm -m x", 1000, 1000));
  // The provider is part of the key: an OpenRouter model is not priced as OpenAI's.
  EXPECT_FALSE(t.CostUsd("openrouter", "gpt-5-mini", 1000, 1000));
}

TEST(PricesTest, AFileOverridesAndExtendsTheBuiltInTable) {
  auto path = std::filesystem::temp_directory_path() / "kopt_prices_test.json";
  {
    std::ofstream out(path);
    out << R"({"schema_version": 1, "as_of": "2030-01-01", "models": {
      "openai:gpt-5-mini": {"input": 1, "output": 2},
      "openai:qwen2.5-coder": {"input": 0, "output": 0}}})";
  }
  PriceTable t = PriceTable::Load(path.string());
  EXPECT_EQ(t.as_of(), "2030-01-01");
  EXPECT_DOUBLE_EQ(*t.CostUsd("openai", "gpt-5-mini", 1000000, 1000000), 3.0);
  EXPECT_DOUBLE_EQ(*t.CostUsd("openai", "qwen2.5-coder", 5000, 5000), 0.0);
  EXPECT_TRUE(t.Find("anthropic", "claude-haiku-4-5"));  // built-in entries stay

  ::setenv("KOPT_PRICES", path.c_str(), 1);
  EXPECT_DOUBLE_EQ(*PriceTable::Load().CostUsd("openai", "gpt-5-mini", 1000000, 0), 1.0);
  ::unsetenv("KOPT_PRICES");
  std::filesystem::remove(path);
}

TEST(PricesTest, BadPriceFilesNameTheFileAndField) {
  auto error = [](const std::string& text) {
    PriceTable t;
    try {
      t.MergeJson(text, "my_prices.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error(R"({"schema_version": 1, "models": {"gpt-5": {"input": 1, "output": 2}}})"),
            "my_prices.json: models.gpt-5: a key is provider:model, for example "
            "\"openai:gpt-5-mini\"");
  EXPECT_NE(error(R"({"schema_version": 1, "models": {"openai:x": {"input": 1}}})")
                .find("models.openai:x.output: missing required field"),
            std::string::npos);
  EXPECT_NE(error(R"({"schema_version": 1, "models": {"openai:x": {"input": -1, "output": 1}}})")
                .find("cannot be negative"),
            std::string::npos);
  EXPECT_NE(error(R"({"schema_version": 1, "models": {}, "currency": "EUR"})")
                .find("currency: unknown key"),
            std::string::npos);
  EXPECT_NE(error(R"({"schema_version": 2, "models": {}})").find("schema_version"),
            std::string::npos);
  EXPECT_THROW(PriceTable::Load("/no/such/prices.json"), ConfigError);
}

}  // namespace
}  // namespace kopt
