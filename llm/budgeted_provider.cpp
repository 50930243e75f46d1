// SPDX-License-Identifier: Apache-2.0
#include "llm/budgeted_provider.h"

namespace kopt {

CallEstimate EstimateCall(const std::string& provider, const std::string& model,
                          const CompletionRequest& request, const PriceTable& prices) {
  std::int64_t input = 0;
  for (const auto& m : request.messages) {
    input += static_cast<std::int64_t>(m.content.size() / 3) + 8;
  }
  CallEstimate e;
  e.tokens = input + request.max_tokens;
  e.usd = prices.CostUsd(provider, model, input, request.max_tokens);
  e.model = provider + ":" + model;
  return e;
}

BudgetedProvider::BudgetedProvider(Provider& inner, Budget& budget,
                                   std::shared_ptr<const PriceTable> prices)
    : inner_(inner),
      budget_(budget),
      prices_(prices ? std::move(prices)
                     : std::make_shared<const PriceTable>(PriceTable::BuiltIn())) {}

CompletionResult BudgetedProvider::Complete(const CompletionRequest& request) {
  std::string model = ResolvedModel(inner_, request);
  CallEstimate estimate = EstimateCall(inner_.name(), model, request, *prices_);
  auto reserved = budget_.Reserve(estimate);
  if (auto* why = std::get_if<std::string>(&reserved)) {
    LlmError e{LlmErrorKind::kBudget, *why};
    return e;
  }
  Budget::Reservation& reservation = std::get<Budget::Reservation>(reserved);
  CompletionResult result = inner_.Complete(request);
  if (result.ok()) {
    const Completion& c = result.value();
    if (!c.from_cache) reservation.Commit(c.input_tokens + c.output_tokens, c.cost_usd);
  } else if (result.error().kind == LlmErrorKind::kTimeout) {
    reservation.Commit(estimate.tokens, estimate.usd);
  } else if (result.error().kind != LlmErrorKind::kBudget &&
             result.error().kind != LlmErrorKind::kCacheMiss) {
    reservation.Commit(0, 0.0);
  }
  return result;
}

}  // namespace kopt
