// SPDX-License-Identifier: Apache-2.0
#include "llm/prices.h"

#include "core/json_fields.h"

#include <cctype>
#include <cstdlib>

namespace kopt {

extern const std::string_view kBuiltInPricesJson;

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// "claude-sonnet-4-5-20250929" -> "claude-sonnet-4-5"; "gpt-5-mini-2025-08-07" -> "gpt-5-mini".
std::optional<std::string_view> WithoutDateSuffix(std::string_view model) {
  if (model.size() > 9 && model[model.size() - 9] == '-' &&
      AllDigits(model.substr(model.size() - 8))) {
    return model.substr(0, model.size() - 9);
  }
  if (model.size() > 11) {
    std::string_view tail = model.substr(model.size() - 11);  // -YYYY-MM-DD
    if (tail[0] == '-' && AllDigits(tail.substr(1, 4)) && tail[5] == '-' &&
        AllDigits(tail.substr(6, 2)) && tail[8] == '-' && AllDigits(tail.substr(9, 2))) {
      return model.substr(0, model.size() - 11);
    }
  }
  return std::nullopt;
}

double PriceAt(const nlohmann::json& j, const char* key, const JsonWhere& where) {
  double v = NumberAt(RequiredField(j, key, where), where.Key(key));
  if (v < 0) where.Key(key).Fail("a price cannot be negative");
  return v;
}

}  // namespace

PriceTable PriceTable::BuiltIn() {
  PriceTable table;
  table.MergeJson(std::string(kBuiltInPricesJson), "llm/prices.json (built in)");
  return table;
}

PriceTable PriceTable::Load(const std::string& path) {
  PriceTable table = BuiltIn();
  std::string file = path;
  if (file.empty()) {
    const char* env = std::getenv("KOPT_PRICES");
    if (env && *env) file = env;
  }
  if (!file.empty()) table.MergeJson(ReadFile(file), file);
  return table;
}

void PriceTable::MergeJson(const std::string& text, const std::string& file) {
  nlohmann::json j = ParseJsonText(text, file);
  JsonWhere where(file);
  RejectUnknownKeys(j, where,
                    {"schema_version", "name", "description", "as_of", "sources", "models"});
  if (RequiredInt(j, "schema_version", where) != 1) {
    where.Key("schema_version").Fail("this kopt reads price files of schema_version 1");
  }
  const auto& models = RequiredField(j, "models", where);
  RequireObject(models, where.Key("models"));
  std::map<std::string, ModelPrice, std::less<>> parsed;
  for (const auto& [key, entry] : models.items()) {
    JsonWhere at = where.Key("models").Key(key);
    auto colon = key.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == key.size()) {
      at.Fail("a key is provider:model, for example \"openai:gpt-5-mini\"");
    }
    RejectUnknownKeys(entry, at, {"input", "output"});
    parsed[key] = ModelPrice{PriceAt(entry, "input", at), PriceAt(entry, "output", at)};
  }
  for (auto& [key, price] : parsed) prices_[key] = price;
  if (auto as_of = OptionalString(j, "as_of", where)) as_of_ = *as_of;
}

std::optional<ModelPrice> PriceTable::Find(std::string_view provider,
                                           std::string_view model) const {
  std::string key = std::string(provider) + ":" + std::string(model);
  if (auto it = prices_.find(key); it != prices_.end()) return it->second;
  if (auto base = WithoutDateSuffix(model)) {
    key = std::string(provider) + ":" + std::string(*base);
    if (auto it = prices_.find(key); it != prices_.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<double> PriceTable::CostUsd(std::string_view provider, std::string_view model,
                                          std::int64_t input_tokens,
                                          std::int64_t output_tokens) const {
  auto price = Find(provider, model);
  if (!price) return std::nullopt;
  return (static_cast<double>(input_tokens) * price->input_per_mtok +
          static_cast<double>(output_tokens) * price->output_per_mtok) /
         1e6;
}

}  // namespace kopt
