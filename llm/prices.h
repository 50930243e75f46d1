// SPDX-License-Identifier: Apache-2.0
// What a call costs: a price table per provider:model in USD per million tokens, built into kopt
// from llm/prices.json and overridable by a file. A model without a price costs "unknown".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kopt {

struct ModelPrice {
  double input_per_mtok = 0;
  double output_per_mtok = 0;
};

class PriceTable {
 public:
  /// The table built into kopt (llm/prices.json, embedded at build time).
  static PriceTable BuiltIn();
  /// The built-in table with the price file `path` merged over it; an empty `path` reads the
  /// file named by $KOPT_PRICES when that is set. Throws ConfigError naming the file and field.
  static PriceTable Load(const std::string& path = "");

  /// Adds or replaces the entries of one price file (same format as llm/prices.json).
  void MergeJson(const std::string& text, const std::string& file);

  /// The price of `provider:model`, falling back from a dated snapshot (-YYYYMMDD or
  /// -YYYY-MM-DD) to its base name.
  std::optional<ModelPrice> Find(std::string_view provider, std::string_view model) const;
  /// Cost of a call, or nullopt when the model has no price.
  std::optional<double> CostUsd(std::string_view provider, std::string_view model,
                                std::int64_t input_tokens, std::int64_t output_tokens) const;

  /// The date of the newest merged file's prices.
  const std::string& as_of() const { return as_of_; }
  std::size_t size() const { return prices_.size(); }

 private:
  std::map<std::string, ModelPrice, std::less<>> prices_;
  std::string as_of_;
};

}  // namespace kopt
