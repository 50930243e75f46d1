// SPDX-License-Identifier: Apache-2.0
// Model spec strings: which provider, which model, which server. "openai:gpt-5-mini",
// "anthropic:claude-sonnet-4-5", "openai:qwen2.5-coder@http://localhost:8000/v1",
// "openrouter:deepseek/deepseek-r1", "cmd:\"llm -m x\"", "replay:openai:gpt-5-mini".
#pragma once

#include <string>

namespace kopt {

enum class ProviderKind {
  kOpenAi,      // OpenAI chat completions, or any server speaking that API (base URL)
  kAnthropic,   // Anthropic Messages
  kOpenRouter,  // OpenAI-compatible at openrouter.ai, key in OPENROUTER_API_KEY
  kCommand,     // an external command: prompt on stdin, answer on stdout
  kReplay,      // answers only from the call log
};

struct ModelSpec {
  ProviderKind kind = ProviderKind::kOpenAi;
  std::string provider;  // "openai", "anthropic", "openrouter", "cmd"; for replay, the replayed one
  std::string model;     // for "cmd", the command line
  std::string base_url;  // empty: the provider's default (DefaultBaseUrl)
  std::string text;      // the spec as written
};

/// Parses PROVIDER:MODEL[@BASE_URL], cmd:COMMAND (quotes around COMMAND optional) and
/// replay:SPEC. Throws ConfigError naming `flag` and showing the accepted forms.
ModelSpec ParseModelSpec(const std::string& text, const std::string& flag = "MODEL");

/// "https://api.openai.com/v1", "https://api.anthropic.com", "https://openrouter.ai/api/v1";
/// empty for cmd and replay.
std::string DefaultBaseUrl(ProviderKind kind);

}  // namespace kopt
