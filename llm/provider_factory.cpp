// SPDX-License-Identifier: Apache-2.0
#include "llm/provider_factory.h"

#include "core/error.h"
#include "core/secrets.h"
#include "llm/anthropic_provider.h"
#include "llm/command_provider.h"
#include "llm/openai_provider.h"
#include "llm/replay_provider.h"

#include <cstdlib>

namespace kopt {
namespace {

const char* DefaultKeyVariable(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::kOpenAi:
      return "OPENAI_API_KEY";
    case ProviderKind::kAnthropic:
      return "ANTHROPIC_API_KEY";
    case ProviderKind::kOpenRouter:
      return "OPENROUTER_API_KEY";
    case ProviderKind::kCommand:
    case ProviderKind::kReplay:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> DefaultKeyVariables() {
  std::vector<std::string> variables;
  for (auto kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic, ProviderKind::kOpenRouter}) {
    variables.push_back(DefaultKeyVariable(kind));
  }
  return variables;
}

ApiKey ResolveApiKey(const ModelSpec& spec, const std::string& api_key_env) {
  ApiKey key;
  if (!api_key_env.empty()) {
    key.variable = api_key_env;
  } else if (const char* var = DefaultKeyVariable(spec.kind); var && spec.base_url.empty()) {
    key.variable = var;
  } else {
    return key;  // a custom server or a command: no key unless one is named
  }
  const char* value = std::getenv(key.variable.c_str());
  if (!value || !*value) {
    throw ConfigError("the environment variable " + key.variable + " is not set; " + spec.text +
                      " needs an API key there" +
                      (api_key_env.empty() ? " (or name another variable with --api-key-env)"
                                           : " (named by --api-key-env)"));
  }
  key.value = value;
  ProcessSecrets().Add(key.value);
  return key;
}

std::unique_ptr<Provider> MakeProvider(const ModelSpec& spec, const ProviderOptions& options,
                                       LlmCallLog* log) {
  std::string base = spec.base_url.empty() ? DefaultBaseUrl(spec.kind) : spec.base_url;
  switch (spec.kind) {
    case ProviderKind::kOpenAi:
    case ProviderKind::kOpenRouter:
      return std::make_unique<OpenAiProvider>(spec.provider, spec.model, base,
                                              ResolveApiKey(spec, options.api_key_env), options);
    case ProviderKind::kAnthropic:
      return std::make_unique<AnthropicProvider>(spec.model, base,
                                                 ResolveApiKey(spec, options.api_key_env), options);
    case ProviderKind::kCommand:
      return std::make_unique<CommandProvider>(spec.model, options);
    case ProviderKind::kReplay:
      if (!log) {
        throw ConfigError(spec.text +
                          ": replay answers only from recorded calls, and no call "
                          "log (database) is open here");
      }
      return std::make_unique<ReplayProvider>(spec.provider, spec.model, *log);
  }
  throw ConfigError(spec.text + ": unknown provider");
}

}  // namespace kopt
