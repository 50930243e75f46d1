// SPDX-License-Identifier: Apache-2.0
#include "llm/model_spec.h"

#include "core/error.h"
#include "core/text.h"

#include <algorithm>
#include <cctype>

namespace kopt {
namespace {

constexpr const char* kForms =
    "expected openai:MODEL[@BASE_URL], anthropic:MODEL[@BASE_URL], openrouter:MODEL, "
    "cmd:COMMAND or replay:SPEC (for example openai:gpt-5-mini)";

[[noreturn]] void Fail(const std::string& flag, const std::string& text, const std::string& why) {
  throw ConfigError(flag + " '" + text + "': " + why);
}

}  // namespace

std::string DefaultBaseUrl(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::kOpenAi:
      return "https://api.openai.com/v1";
    case ProviderKind::kAnthropic:
      return "https://api.anthropic.com";
    case ProviderKind::kOpenRouter:
      return "https://openrouter.ai/api/v1";
    case ProviderKind::kCommand:
    case ProviderKind::kReplay:
      return "";
  }
  return "";
}

ModelSpec ParseModelSpec(const std::string& raw, const std::string& flag) {
  std::string text(Trim(raw));
  auto colon = text.find(':');
  if (colon == std::string::npos) Fail(flag, raw, kForms);
  std::string prefix = text.substr(0, colon);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string rest(Trim(text.substr(colon + 1)));

  ModelSpec spec;
  spec.text = raw;
  if (prefix == "replay") {
    ModelSpec inner = ParseModelSpec(rest, flag);
    if (inner.kind == ProviderKind::kReplay) Fail(flag, raw, "replay of a replay");
    spec.kind = ProviderKind::kReplay;
    spec.provider = inner.provider;
    spec.model = inner.model;
    return spec;
  }
  if (prefix == "cmd") {
    if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') &&
        rest.back() == rest.front()) {
      rest = rest.substr(1, rest.size() - 2);
    }
    if (Trim(rest).empty()) Fail(flag, raw, "cmd: needs a command, for example cmd:\"llm -m x\"");
    spec.kind = ProviderKind::kCommand;
    spec.provider = "cmd";
    spec.model = rest;
    return spec;
  }
  if (prefix == "openai") {
    spec.kind = ProviderKind::kOpenAi;
  } else if (prefix == "anthropic") {
    spec.kind = ProviderKind::kAnthropic;
  } else if (prefix == "openrouter") {
    spec.kind = ProviderKind::kOpenRouter;
  } else {
    Fail(flag, raw, "unknown provider '" + prefix + "'; " + kForms);
  }
  spec.provider = prefix;
  std::string model = rest;
  for (const char* scheme : {"@http://", "@https://"}) {
    auto at = rest.find(scheme);
    if (at != std::string::npos) {
      model = std::string(Trim(rest.substr(0, at)));
      spec.base_url = std::string(Trim(rest.substr(at + 1)));
      break;
    }
  }
  if (spec.base_url.empty() && rest.find('@') != std::string::npos) {
    Fail(flag, raw, "the base URL after '@' must start with http:// or https://");
  }
  while (!spec.base_url.empty() && spec.base_url.back() == '/') spec.base_url.pop_back();
  if (model.empty()) Fail(flag, raw, "no model name; " + std::string(kForms));
  spec.model = model;
  return spec;
}

}  // namespace kopt
