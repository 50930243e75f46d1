// SPDX-License-Identifier: Apache-2.0
// The providers against the fake LLM server over real HTTP on loopback: every fault mode, the
// key never leaking, concurrency, budgets, scripted answers, cache and replay.
#include "core/error.h"
#include "llm/budgeted_provider.h"
#include "llm/cached_provider.h"
#include "llm/provider_factory.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/memory_call_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kopt {
namespace {

using testing::FakeLlmServer;
using testing::MemoryCallLog;

const char* kKeyVar = "KOPT_TEST_LLM_KEY";
const char* kKey = "sk-kopt-test-5f3a9c1e7b2d4a6f";
const char* kWrongKeyVar = "KOPT_TEST_WRONG_KEY";
const char* kWrongKey = "sk-kopt-wrong-0c8e2a4b6d1f3e5a";

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::vector<nlohmann::json> ReadRequestLog(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Notices from the providers, collected for inspection.
struct Notices {
  std::mutex mu;
  std::vector<std::string> lines;
  NoticeSink Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(line);
    };
  }
  std::string All() {
    std::lock_guard<std::mutex> lock(mu);
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return all;
  }
};

class LlmProviderTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    ::setenv(kKeyVar, kKey, 1);
    ::setenv(kWrongKeyVar, kWrongKey, 1);
    log_path_ = new std::string(std::string("/tmp/kopt-llm-e2e-requests-") +
                                std::to_string(::getpid()) + ".jsonl");
    std::remove(log_path_->c_str());
    server_ = new FakeLlmServer(KOPT_FAKE_LLM_SERVER,
                                {"--require-key", kKey, "--request-log", *log_path_});
  }
  static void TearDownTestSuite() {
    delete server_;
    std::remove(log_path_->c_str());
    delete log_path_;
  }

  const std::string& api() const { return GetParam(); }
  std::string Url() const {
    return api() == "openai" ? server_->openai_url() : server_->anthropic_url();
  }

  ProviderOptions Options() {
    ProviderOptions o;
    o.api_key_env = kKeyVar;
    o.retry.initial_delay_s = 0.02;
    o.retry.max_delay_s = 0.1;
    o.retry.seed = 7;
    o.timeout_s = 5;
    o.connect_timeout_s = 2;
    o.max_concurrency = 32;
    o.notice = notices_.Sink();
    return o;
  }

  std::unique_ptr<Provider> Make(const std::string& model, ProviderOptions o) {
    return MakeProvider(ParseModelSpec(api() + ":" + model + "@" + Url()), o);
  }
  std::unique_ptr<Provider> Make(const std::string& model) { return Make(model, Options()); }

  // The model name selects the fault mode; the tag after '#' keeps each test's counters apart.
  std::string Model(const std::string& mode) const {
    return mode + "#" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  static CompletionRequest Request(const std::string& user = "hello") {
    CompletionRequest r;
    r.messages = {{"system", "be brief"}, {"user", user}};
    r.max_tokens = 100;
    r.purpose = "test";
    return r;
  }

  // The bodies the server saw for one model name.
  std::vector<nlohmann::json> RequestsFor(const std::string& model) const {
    std::vector<nlohmann::json> out;
    for (auto& line : ReadRequestLog(*log_path_)) {
      if (line["body"].is_object() && line["body"].value("model", "") == model) {
        out.push_back(line);
      }
    }
    return out;
  }

  static FakeLlmServer* server_;
  static std::string* log_path_;
  Notices notices_;
};

FakeLlmServer* LlmProviderTest::server_ = nullptr;
std::string* LlmProviderTest::log_path_ = nullptr;

TEST_P(LlmProviderTest, AnswersWithTextTokensAndUnknownCost) {
  std::string model = Model("echo");
  CompletionResult r = Make(model)->Complete(Request("hello there"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Completion& c = r.value();
  EXPECT_EQ(c.text, "echo: hello there");
  EXPECT_EQ(c.finish_reason, "stop");
  EXPECT_GT(c.input_tokens, 0);
  EXPECT_GT(c.output_tokens, 0);
  EXPECT_EQ(c.attempts, 1);
  EXPECT_GT(c.latency_ms, 0);
  EXPECT_FALSE(c.cost_usd);  // not in the price table: unknown, not zero
  auto seen = RequestsFor(model);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["auth"], "ok");
  if (api() == "anthropic") {
    EXPECT_EQ(seen[0]["body"]["system"], "be brief");
    EXPECT_EQ(seen[0]["body"]["max_tokens"], 100);
  } else {
    EXPECT_EQ(seen[0]["body"]["messages"][0]["role"], "system");
    EXPECT_EQ(seen[0]["body"]["max_tokens"], 100);  // not OpenAI's own server
  }
}

TEST_P(LlmProviderTest, PricedModelsGetACost) {
  ProviderOptions o = Options();
  auto prices = std::make_shared<PriceTable>(PriceTable::BuiltIn());
  std::string model = Model("echo");
  prices->MergeJson(R"({"schema_version": 1, "models": {")" + api() + ":" + model +
                        R"(": {"input": 2, "output": 10}}})",
                    "test prices");
  o.prices = prices;
  CompletionResult r = Make(model, o)->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r.value().cost_usd);
  EXPECT_DOUBLE_EQ(*r.value().cost_usd,
                   (r.value().input_tokens * 2.0 + r.value().output_tokens * 10.0) / 1e6);
}

TEST_P(LlmProviderTest, RateLimitIsRetriedAfterTheServersRetryAfter) {
  auto start = std::chrono::steady_clock::now();
  CompletionResult r = Make(Model("fail:429:1:1"))->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().attempts, 2);
  EXPECT_GE(Seconds(start), 1.0);  // waited out Retry-After: 1, not the 0.02 s backoff
  EXPECT_NE(notices_.All().find("rate_limited: HTTP 429"), std::string::npos) << notices_.All();
  EXPECT_NE(notices_.All().find("retrying in 1."), std::string::npos) << notices_.All();
}

TEST_P(LlmProviderTest, ServerErrorsAreRetriedUntilSuccess) {
  CompletionResult r = Make(Model("fail:500:2"))->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().attempts, 3);
}

TEST_P(LlmProviderTest, PersistentServerErrorsEndAfterTheLastAttempt) {
  ProviderOptions o = Options();
  o.retry.max_attempts = 3;
  CompletionResult r = Make(Model("fail:503"), o)->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kServer);
  EXPECT_EQ(r.error().attempts, 3);
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_NE(r.error().message.find("(after 3 attempts)"), std::string::npos);
}

TEST_P(LlmProviderTest, ASlowAnswerPastTheTimeoutIsATimeout) {
  ProviderOptions o = Options();
  o.timeout_s = 0.3;
  o.retry.max_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  CompletionResult r = Make(Model("slow:3000"), o)->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kTimeout);
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_LT(Seconds(start), 2.0);
}

TEST_P(LlmProviderTest, ADroppedConnectionIsRetried) {
  CompletionResult r = Make(Model("drop:1"))->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().attempts, 2);
  ProviderOptions o = Options();
  o.retry.max_attempts = 3;
  r = Make(Model("drop"), o)->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kNetwork);
  EXPECT_EQ(r.error().attempts, 3);
}

TEST_P(LlmProviderTest, TruncatedJsonIsABadResponseRetriedOnce) {
  CompletionResult r = Make(Model("truncated"))->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_NE(r.error().message.find("not valid JSON"), std::string::npos) << r.error().message;
  // One truncated answer followed by a good one succeeds.
  r = Make(Model("truncated:1"))->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(LlmProviderTest, AWrongContentTypeIsABadResponseNamingIt) {
  CompletionResult r = Make(Model("html"))->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  EXPECT_NE(r.error().message.find("content type 'text/html"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("502 Bad Gateway"), std::string::npos);
}

TEST_P(LlmProviderTest, EmptyChoicesAreABadResponse) {
  CompletionResult r = Make(Model("empty"))->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  EXPECT_NE(r.error().message.find(api() == "openai" ? "no choices" : "no text content"),
            std::string::npos)
      << r.error().message;
}

TEST_P(LlmProviderTest, AHugeAnswerIsCutAtTheLimitAndNotRetried) {
  ProviderOptions o = Options();
  o.max_response_bytes = 1 << 20;
  CompletionResult r = Make(Model("bytes:3000000"), o)->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kBadResponse);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_NE(r.error().message.find("larger than 1048576 bytes"), std::string::npos)
      << r.error().message;
  // Under the limit, a large answer arrives whole.
  r = Make(Model("bytes:500000"), o)->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text.size(), 500000u);
}

TEST_P(LlmProviderTest, ClientErrorsThatCannotSucceedAreNotRetried) {
  for (const char* mode : {"fail:400", "fail:404", "fail:422"}) {
    std::string model = Model(mode);
    CompletionResult r = Make(model)->Complete(Request());
    ASSERT_FALSE(r.ok()) << mode;
    EXPECT_EQ(r.error().kind, LlmErrorKind::kBadRequest) << mode;
    EXPECT_EQ(r.error().attempts, 1) << mode;
    EXPECT_NE(r.error().message.find("injected failure 1"), std::string::npos);
    EXPECT_EQ(RequestsFor(model).size(), 1u) << mode;
  }
}

TEST_P(LlmProviderTest, ABadKeyEndsAtOnceWithoutShowingTheKey) {
  ProviderOptions o = Options();
  o.api_key_env = kWrongKeyVar;
  std::string model = Model("echo");
  CompletionResult r = Make(model, o)->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kAuth);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_EQ(r.error().http_status, 401);
  const std::string& m = r.error().message;
  // The server echoed the key it got; the message shows where the key came from instead.
  EXPECT_EQ(m.find(kWrongKey), std::string::npos) << m;
  EXPECT_NE(m.find("Incorrect API key provided: [redacted]"), std::string::npos) << m;
  EXPECT_NE(m.find(std::string("$") + kWrongKeyVar), std::string::npos) << m;
  EXPECT_EQ(RequestsFor(model).size(), 1u);
}

TEST_P(LlmProviderTest, NoKeyIsSentToACustomServerUnlessItsVariableIsNamed) {
  ::setenv(api() == "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY", kWrongKey, 1);
  ProviderOptions o = Options();
  o.api_key_env = "";
  std::string model = Model("echo");
  CompletionResult r = Make(model, o)->Complete(Request());
  ::unsetenv("OPENAI_API_KEY");
  ::unsetenv("ANTHROPIC_API_KEY");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kAuth);
  EXPECT_NE(r.error().message.find("no API key was sent"), std::string::npos);
  auto seen = RequestsFor(model);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["auth"], "missing");
}

TEST_P(LlmProviderTest, TheKeyNeverAppearsInRecordsErrorsOrNotices) {
  MemoryCallLog log;
  std::vector<std::string> errors;
  ProviderOptions o = Options();
  o.timeout_s = 0.3;
  o.retry.max_attempts = 2;
  for (const char* mode : {"echo", "fail:429:1:0", "fail:500", "slow:2000", "drop", "truncated",
                           "html", "empty", "fail:400"}) {
    auto inner = Make(Model(mode), o);
    CachedProvider cached(*inner, log);
    CompletionResult r = cached.Complete(Request(std::string("prompt for ") + mode));
    if (!r.ok()) errors.push_back(r.error().message);
  }
  ProviderOptions wrong = o;
  wrong.api_key_env = kWrongKeyVar;
  auto bad = Make(Model("echo"), wrong);
  CachedProvider cached_bad(*bad, log);
  CompletionResult r = cached_bad.Complete(Request());
  ASSERT_FALSE(r.ok());
  errors.push_back(r.error().message);

  std::vector<LlmCallRecord> records = log.records();
  EXPECT_EQ(records.size(), 10u);
  EXPECT_GE(errors.size(), 8u);
  for (const char* key : {kKey, kWrongKey}) {
    for (const auto& rec : records) {
      for (const std::string* field : {&rec.cache_key, &rec.provider, &rec.model, &rec.request_json,
                                       &rec.response_text, &rec.finish_reason, &rec.error}) {
        EXPECT_EQ(field->find(key), std::string::npos) << *field;
      }
    }
    for (const auto& e : errors) EXPECT_EQ(e.find(key), std::string::npos) << e;
    EXPECT_EQ(notices_.All().find(key), std::string::npos);
  }
  EXPECT_FALSE(notices_.All().empty());  // the retries were reported, without the key
  // And the right key did reach the server.
  EXPECT_EQ(RequestsFor(Model("echo"))[0]["auth"], "ok");
}

TEST_P(LlmProviderTest, ConcurrentRequestsFinishInAboutOneServerDelay) {
  const int n = 16;
  auto provider = Make(Model("slow:1000"));
  std::vector<std::thread> threads;
  std::vector<int> ok(n, 0);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      CompletionRequest r = Request("request " + std::to_string(i));
      ok[i] = provider->Complete(r).ok();
    });
  }
  for (auto& t : threads) t.join();
  double s = Seconds(start);
  for (int i = 0; i < n; ++i) EXPECT_TRUE(ok[i]) << i;
  EXPECT_GE(s, 1.0);
  EXPECT_LT(s, 2.5) << n << " requests of 1 s each took " << s << " s";
}

TEST_P(LlmProviderTest, TheConcurrencyLimitHoldsRequestsBack) {
  ProviderOptions o = Options();
  o.max_concurrency = 2;
  auto provider = Make(Model("slow:400"), o);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(provider->Complete(Request()).ok()); });
  }
  for (auto& t : threads) t.join();
  double s = Seconds(start);
  EXPECT_GE(s, 1.15);  // three rounds of 0.4 s
  EXPECT_LT(s, 3.0);
}

TEST_P(LlmProviderTest, ACallLimitStopsCallsBeforeTheyReachTheServer) {
  std::string model = Model("echo");
  auto inner = Make(model);
  Budget run("run", {.calls = 3});
  BudgetedProvider p(*inner, run);
  int ok = 0, refused = 0;
  std::string why;
  for (int i = 0; i < 5; ++i) {
    CompletionResult r = p.Complete(Request("call " + std::to_string(i)));
    if (r.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().kind, LlmErrorKind::kBudget);
      why = r.error().message;
      ++refused;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 2);
  EXPECT_NE(why.find("budget 'run': call limit of 3 reached"), std::string::npos) << why;
  EXPECT_EQ(RequestsFor(model).size(), 3u);
}

TEST_P(LlmProviderTest, ADollarLimitStopsSpendingWithinTheLimit) {
  std::string model = Model("echo");
  auto prices = std::make_shared<PriceTable>(PriceTable::BuiltIn());
  prices->MergeJson(R"({"schema_version": 1, "models": {")" + api() + ":" + model +
                        R"(": {"input": 1000, "output": 1000}}})",
                    "test prices");
  ProviderOptions o = Options();
  o.prices = prices;
  auto inner = Make(model, o);
  Budget run("run", {.usd = 0.25});
  BudgetedProvider p(*inner, run, prices);
  int made = 0;
  std::string why;
  for (int i = 0; i < 100 && why.empty(); ++i) {
    CompletionResult r = p.Complete(Request("call " + std::to_string(i)));
    if (r.ok()) {
      ++made;
    } else {
      why = r.error().message;
    }
  }
  EXPECT_GT(made, 1);
  EXPECT_NE(why.find("dollar limit of $0.25 reached"), std::string::npos) << why;
  EXPECT_LE(run.Usage().usd, 0.25);
  EXPECT_EQ(static_cast<int>(RequestsFor(model).size()), made);
}

TEST_P(LlmProviderTest, ARejectedTemperatureIsDroppedAndRemembered) {
  if (api() != "openai") GTEST_SKIP() << "an OpenAI-compatible adaptation";
  std::string model = Model("reject-temperature");
  auto provider = Make(model);
  CompletionRequest r = Request();
  r.temperature = 0.7;
  CompletionResult first = provider->Complete(r);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first.value().attempts, 1);
  EXPECT_NE(notices_.All().find("does not accept 'temperature'"), std::string::npos);
  ASSERT_TRUE(provider->Complete(r).ok());
  auto seen = RequestsFor(model);
  ASSERT_EQ(seen.size(), 3u);  // rejected, resent without it, and the second call without it
  EXPECT_TRUE(seen[0]["body"].contains("temperature"));
  EXPECT_FALSE(seen[1]["body"].contains("temperature"));
  EXPECT_FALSE(seen[2]["body"].contains("temperature"));
}

// An answer that hit max_tokens is paid for in full and usually useless: it comes back marked
// "length" (the record keeps that) and the run says so.
TEST_P(LlmProviderTest, ACutOffAnswerIsMarkedAndWarnedAbout) {
  CompletionResult r = Make(Model("length"))->Complete(Request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().finish_reason, "length");
  EXPECT_NE(notices_.All().find("stopped at the output limit of 100 tokens (test): the answer is "
                                "cut off; raise --max-tokens"),
            std::string::npos)
      << notices_.All();
  notices_.lines.clear();
  ASSERT_TRUE(Make(Model("echo"))->Complete(Request()).ok());
  EXPECT_EQ(notices_.All().find("cut off"), std::string::npos) << notices_.All();
}

// A base URL that already ends in /v1 (Anthropic's own docs show the full path) is a common slip:
// the failure says what to change.
TEST_P(LlmProviderTest, ABaseUrlWithAnExtraV1GetsAHint) {
  ProviderOptions o = Options();
  o.retry.max_attempts = 1;
  std::string base = api() == "openai" ? server_->openai_url() + "/v1" : Url() + "/v1";
  auto provider = MakeProvider(ParseModelSpec(api() + ":echo@" + base), o);
  CompletionResult r = provider->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("the URL says /v1 twice: kopt adds the API's path to the base "
                                   "URL, so give the base URL without its /v1"),
            std::string::npos)
      << r.error().message;
}

TEST_P(LlmProviderTest, AnUnreachableServerIsANetworkError) {
  FakeLlmServer gone(KOPT_FAKE_LLM_SERVER);
  std::string url = api() == "openai" ? gone.openai_url() : gone.anthropic_url();
  gone.Stop();
  ProviderOptions o = Options();
  o.retry.max_attempts = 2;
  auto provider = MakeProvider(ParseModelSpec(api() + ":echo@" + url), o);
  CompletionResult r = provider->Complete(Request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, LlmErrorKind::kNetwork);
  EXPECT_EQ(r.error().attempts, 2);
}

TEST_P(LlmProviderTest, ScriptedAnswersComeInOrderOrByMatchAndRequestsAreLogged) {
  std::string dir = server_->dir();
  std::string script = dir + "/script.json", requests = dir + "/scripted-" + api() + ".jsonl";
  std::remove(requests.c_str());
  {
    std::ofstream out(script);
    out << R"({"responses": [
      {"match": "compile log", "text": "fixed kernel", "times": 0},
      {"text": "first plan", "input_tokens": 1000, "output_tokens": 200},
      {"text": "second plan"},
      {"status": 429, "retry_after": 0, "error": "slow down"},
      {"text": "after the rate limit"}]})";
  }
  FakeLlmServer scripted(KOPT_FAKE_LLM_SERVER,
                         {"--script", script, "--request-log", requests, "--require-key", kKey});
  std::string url = api() == "openai" ? scripted.openai_url() : scripted.anthropic_url();
  auto provider = MakeProvider(ParseModelSpec(api() + ":scripted-model@" + url), Options());
  auto text = [&](const std::string& user) {
    CompletionResult r = provider->Complete(Request(user));
    return r.ok() ? r.value().text
                  : "error " + std::string(ToString(r.error().kind)) + ": " + r.error().message;
  };
  CompletionResult first = provider->Complete(Request("plan A"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().text, "first plan");
  EXPECT_EQ(first.value().input_tokens, 1000);
  EXPECT_EQ(first.value().output_tokens, 200);
  EXPECT_EQ(text("repair: the compile log says error"), "fixed kernel");
  EXPECT_EQ(text("plan B"), "second plan");
  EXPECT_EQ(text("plan C"), "after the rate limit");  // after one scripted 429
  EXPECT_EQ(text("again, the compile log"), "fixed kernel");
  std::string none = text("plan D");
  EXPECT_NE(none.find("error bad_request"), std::string::npos) << none;
  EXPECT_NE(none.find("no scripted answer is left"), std::string::npos) << none;

  std::vector<nlohmann::json> log = ReadRequestLog(requests);
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[1]["api"], api());
  std::string repair = log[1]["body"].dump();
  EXPECT_NE(repair.find("the compile log says error"), std::string::npos) << repair;
  EXPECT_EQ(log[1]["auth"], "ok");
}

TEST_P(LlmProviderTest, ARecordedRunReplaysWithNoServer) {
  MemoryCallLog log;
  auto server = std::make_unique<FakeLlmServer>(KOPT_FAKE_LLM_SERVER);
  std::string url = api() == "openai" ? server->openai_url() : server->anthropic_url();
  ProviderOptions o = Options();
  o.api_key_env = "";
  {
    auto live = MakeProvider(ParseModelSpec(api() + ":echo@" + url), o);
    CachedProvider cached(*live, log);
    ASSERT_TRUE(cached.Complete(Request("remember me")).ok());
  }
  server.reset();  // no network from here on
  auto replay = MakeProvider(ParseModelSpec("replay:" + api() + ":echo@" + url), o, &log);
  CompletionResult r = replay->Complete(Request("remember me"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().text, "echo: remember me");
  EXPECT_TRUE(r.value().from_cache);
  CompletionResult miss = replay->Complete(Request("never asked"));
  ASSERT_FALSE(miss.ok());
  EXPECT_EQ(miss.error().kind, LlmErrorKind::kCacheMiss);
  // The cache in front of a dead server still answers what it has.
  auto dead = MakeProvider(ParseModelSpec(api() + ":echo@" + url), o);
  CachedProvider cached(*dead, log);
  EXPECT_TRUE(cached.Complete(Request("remember me")).ok());
}

INSTANTIATE_TEST_SUITE_P(BothApis, LlmProviderTest, ::testing::Values("openai", "anthropic"),
                         [](const auto& info) { return info.param; });

TEST(LlmConfigTest, AMissingKeyVariableIsAConfigErrorNamingIt) {
  ::unsetenv("OPENAI_API_KEY");
  ::unsetenv("KOPT_NO_SUCH_KEY");
  try {
    MakeProvider(ParseModelSpec("openai:gpt-5-mini"), ProviderOptions{});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("OPENAI_API_KEY is not set"), std::string::npos);
  }
  ProviderOptions o;
  o.api_key_env = "KOPT_NO_SUCH_KEY";
  try {
    MakeProvider(ParseModelSpec("openai:x@http://127.0.0.1:1/v1"), o);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("KOPT_NO_SUCH_KEY is not set"), std::string::npos);
  }
  EXPECT_THROW(MakeProvider(ParseModelSpec("replay:openai:x"), ProviderOptions{}), ConfigError);
}

}  // namespace
}  // namespace kopt
