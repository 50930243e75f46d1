// SPDX-License-Identifier: Apache-2.0
// From a model spec to a provider: the API key from the environment, the base URL, the class.
#pragma once

#include "core/llm_call.h"
#include "llm/http_provider.h"
#include "llm/model_spec.h"
#include "llm/provider.h"
#include "llm/provider_options.h"

#include <memory>
#include <string>
#include <vector>

namespace kopt {

/// OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY: the variables whose values are secrets
/// whether or not this process uses them.
std::vector<std::string> DefaultKeyVariables();

/// The key for `spec`: from `api_key_env` when it names a variable; else from the provider's
/// default variable when the spec uses the provider's own server; else none (a custom base URL,
/// a command). The key becomes one of the process's secrets (core/secrets.h). Throws
/// ConfigError naming the variable when a needed key is not set.
ApiKey ResolveApiKey(const ModelSpec& spec, const std::string& api_key_env);

/// The provider a spec names (the network or command one, without cache or budget). `log` is
/// needed by replay only. Throws ConfigError for a missing key or a replay without a log.
std::unique_ptr<Provider> MakeProvider(const ModelSpec& spec, const ProviderOptions& options,
                                       LlmCallLog* log = nullptr);

}  // namespace kopt
