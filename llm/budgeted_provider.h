// SPDX-License-Identifier: Apache-2.0
// A provider that asks a Budget before every call: a call that does not fit is a budget error
// naming the limit, and never reaches the inner provider. Put it under the cache
// (CachedProvider over BudgetedProvider) so replayed answers stay free.
#pragma once

#include "llm/budget.h"
#include "llm/prices.h"
#include "llm/provider.h"

#include <memory>

namespace kopt {

/// The most one call may use: its input estimated at one token per 3 bytes plus 8 per message
/// (an over-estimate for text and code), plus max_tokens; priced when the model has a price.
CallEstimate EstimateCall(const std::string& provider, const std::string& model,
                          const CompletionRequest& request, const PriceTable& prices);

class BudgetedProvider : public Provider {
 public:
  /// `inner` and `budget` are not owned. `prices` null: the built-in table.
  BudgetedProvider(Provider& inner, Budget& budget,
                   std::shared_ptr<const PriceTable> prices = nullptr);

  /// Commits what the call used; a failed call counts as a call with no tokens, except a
  /// timeout, which is charged its whole estimate (the server may have done the work).
  CompletionResult Complete(const CompletionRequest& request) override;
  const std::string& name() const override { return inner_.name(); }
  const std::string& model() const override { return inner_.model(); }

 private:
  Provider& inner_;
  Budget& budget_;
  std::shared_ptr<const PriceTable> prices_;
};

}  // namespace kopt
