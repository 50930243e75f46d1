// SPDX-License-Identifier: Apache-2.0
// How a provider behaves on the network: key variable, concurrency, timeouts, retries, prices.
#pragma once

#include "llm/prices.h"
#include "llm/retry.h"

#include <cstddef>
#include <memory>
#include <string>

namespace kopt {

struct ProviderOptions {
  /// The environment variable holding the API key. Empty: OPENAI_API_KEY, ANTHROPIC_API_KEY or
  /// OPENROUTER_API_KEY for the provider's own server, and no key for a custom base URL (so a
  /// key is never sent to a server it was not meant for unless a variable is named here).
  std::string api_key_env;
  int max_concurrency = 8;  // calls of this provider in flight at once
  double connect_timeout_s = 10;
  double timeout_s = 600;  // one attempt, from connect to the last byte
  std::size_t max_response_bytes = 16u << 20;
  RetryPolicy retry;
  std::shared_ptr<const PriceTable> prices;  // null: the built-in table
  NoticeSink notice;                         // (optional) one line per retry or adaptation
};

}  // namespace kopt
