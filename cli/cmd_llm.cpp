// SPDX-License-Identifier: Apache-2.0
// `kopt llm test MODEL`: one short request through the provider layer, printing latency, tokens
// and cost, for checking a configuration (key, base URL, model name, price).
#include "cli/command.h"
#include "cli/print.h"
#include "cli/validators.h"
#include "core/error.h"
#include "llm/cached_provider.h"
#include "llm/provider_factory.h"
#include "results/llm_call_log.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

namespace kopt::cli {
namespace {

struct LlmTestOptions {
  std::string model;
  std::string prompt = "Reply with the single word: ready";
  std::string system;
  std::int64_t max_tokens = 1024;
  std::optional<double> temperature;
  std::string reasoning_effort;
  std::string api_key_env;
  std::string prices;
  double timeout_s = 120;
  int attempts = 3;
  std::string format = "table";
};

std::string CostText(const std::optional<double>& cost, const ModelSpec& spec,
                     const PriceTable& prices) {
  if (!cost && spec.kind == ProviderKind::kCommand) return "unknown (a command has no price)";
  if (!cost) {
    return "unknown (no price for " + spec.provider + ":" + spec.model +
           "; add one with --prices or $KOPT_PRICES)";
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "$%.6f (list prices as of %s)", *cost, prices.as_of().c_str());
  return buf;
}

void PrintAnswer(const std::string& text) {
  std::string shown = text.size() > 600 ? text.substr(0, 600) + "..." : text;
  std::string line;
  bool first = true;
  for (std::size_t i = 0; i <= shown.size(); ++i) {
    if (i == shown.size() || shown[i] == '\n') {
      Print("%-10s%s\n", first ? "answer" : "", line.c_str());
      first = false;
      line.clear();
    } else {
      line += shown[i];
    }
  }
}

int RunLlmTest(const LlmTestOptions& o, LlmCallLog* log) {
  ModelSpec spec = ParseModelSpec(o.model, "MODEL");
  auto prices = std::make_shared<const PriceTable>(PriceTable::Load(o.prices));
  ProviderOptions options;
  options.api_key_env = o.api_key_env;
  options.timeout_s = o.timeout_s;
  options.retry.max_attempts = o.attempts;
  options.prices = prices;
  options.max_concurrency = 1;
  options.notice = [](const std::string& line) { PrintError("kopt: %s\n", line.c_str()); };
  std::unique_ptr<Provider> provider = MakeProvider(spec, options, log);
  std::unique_ptr<CachedProvider> recorded;
  Provider* p = provider.get();
  if (log && spec.kind != ProviderKind::kReplay) {
    // A check must reach the server: record the call, never answer it from the log.
    recorded = std::make_unique<CachedProvider>(*provider, *log, CacheMode::kRecordOnly);
    p = recorded.get();
  }

  CompletionRequest request;
  if (!o.system.empty()) request.messages.push_back({"system", o.system});
  request.messages.push_back({"user", o.prompt});
  request.max_tokens = o.max_tokens;
  request.temperature = o.temperature;
  request.reasoning_effort = o.reasoning_effort;
  request.purpose = "llm_test";
  CompletionResult result = p->Complete(request);

  if (o.format == "json") {
    nlohmann::json j = {{"model", spec.text}, {"provider", spec.provider}, {"ok", result.ok()}};
    if (result.ok()) {
      const Completion& c = result.value();
      j.update({{"latency_ms", c.latency_ms},
                {"attempts", c.attempts},
                {"input_tokens", c.input_tokens},
                {"output_tokens", c.output_tokens},
                {"reasoning_tokens", c.reasoning_tokens},
                {"cost_usd", c.cost_usd ? nlohmann::json(*c.cost_usd) : nlohmann::json()},
                {"finish_reason", c.finish_reason},
                {"from_cache", c.from_cache},
                {"text", c.text}});
    } else {
      const LlmError& e = result.error();
      j["error"] = {{"kind", ToString(e.kind)},
                    {"message", e.message},
                    {"http_status", e.http_status},
                    {"attempts", e.attempts}};
    }
    Print("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return result.ok() ? kExitOk : kExitFailure;
  }
  if (!result.ok()) {
    const LlmError& e = result.error();
    PrintError("kopt: llm test %s failed: %s: %s\n", spec.text.c_str(),
               std::string(ToString(e.kind)).c_str(), e.message.c_str());
    return kExitFailure;
  }
  const Completion& c = result.value();
  Print("%-10s%s\n", "model", spec.text.c_str());
  Print("%-10s%.0f ms (%d attempt%s)%s\n", "latency", c.latency_ms, c.attempts,
        c.attempts == 1 ? "" : "s", c.from_cache ? ", replayed" : "");
  if (spec.kind == ProviderKind::kCommand) {
    Print("%-10s%s\n", "tokens", "not reported by a command");
  } else {
    Print("%-10s%lld in, %lld out (%lld reasoning)\n", "tokens",
          static_cast<long long>(c.input_tokens), static_cast<long long>(c.output_tokens),
          static_cast<long long>(c.reasoning_tokens));
  }
  Print("%-10s%s\n", "cost", CostText(c.cost_usd, spec, *prices).c_str());
  Print("%-10s%s\n", "finish", c.finish_reason.c_str());
  PrintAnswer(c.text);
  return kExitOk;
}

}  // namespace

// The store at --db records the call (and answers replay:), when that file exists: a check
// should not leave a database behind where there was none.
int RunLlmTestWithStore(const LlmTestOptions& o, const GlobalOptions& global) {
  if (!std::filesystem::exists(global.db_path)) {
    if (ParseModelSpec(o.model, "MODEL").kind == ProviderKind::kReplay) {
      throw ConfigError("replay answers from a store, and --db " + global.db_path +
                        " does not exist");
    }
    return RunLlmTest(o, nullptr);
  }
  Store store(global.db_path, Store::OpenMode::kExisting);
  StoreLlmCallLog log(store, LlmCallContext{std::nullopt, std::nullopt, "test"});
  return RunLlmTest(o, &log);
}

CommandRunner SetupLlm(CLI::App* llm, GlobalOptions& global) {
  llm->require_subcommand(1);
  auto* test = llm->add_subcommand("test", "Send one short request; print latency, tokens, cost");
  auto o = std::make_shared<LlmTestOptions>();
  test->add_option("MODEL", o->model,
                   "openai:MODEL[@URL], anthropic:MODEL[@URL], openrouter:MODEL, cmd:COMMAND, "
                   "replay:SPEC")
      ->required();
  test->add_option("--prompt", o->prompt, "The user message")->capture_default_str();
  test->add_option("--system", o->system, "A system message");
  test->add_option("--max-tokens", o->max_tokens, "Output cap (reasoning included)")
      ->check(Positive())
      ->capture_default_str();
  test->add_option("--temperature", o->temperature, "Sampling temperature (not sent if unset)")
      ->check(Between(0.0, 2.0));
  test->add_option("--reasoning-effort", o->reasoning_effort,
                   "Passed to the API as it spells it (low, medium, high, ...)");
  test->add_option("--api-key-env", o->api_key_env,
                   "Environment variable holding the API key (default: the provider's own, for "
                   "its own server only)");
  test->add_option("--prices", o->prices, "Price file merged over the built-in table");
  test->add_option("--timeout", o->timeout_s, "Seconds per attempt")
      ->check(Positive())
      ->capture_default_str();
  test->add_option("--attempts", o->attempts, "Attempts for errors that may pass on retry")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  test->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  return [&global, o] { return RunLlmTestWithStore(*o, global); };
}

}  // namespace kopt::cli
