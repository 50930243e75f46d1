// SPDX-License-Identifier: Apache-2.0
#include "llm/budget.h"

#include "llm/budgeted_provider.h"
#include "tests/unit/llm/fake_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace kopt {
namespace {

using testing::EchoAnswer;
using testing::FakeProvider;
using testing::UserRequest;

std::string Refusal(Budget& b, const CallEstimate& e) {
  auto r = b.Reserve(e);
  if (auto* why = std::get_if<std::string>(&r)) return *why;
  std::get<Budget::Reservation>(r).Commit(e.tokens, e.usd);
  return "";
}

TEST(BudgetTest, CallLimitStopsTheNextCallAndSaysSo) {
  Budget b("run", {.calls = 2});
  CallEstimate e{10, 0.0, "openai:x"};
  EXPECT_EQ(Refusal(b, e), "");
  EXPECT_EQ(Refusal(b, e), "");
  EXPECT_EQ(Refusal(b, e), "budget 'run': call limit of 2 reached (2 made, 0 in flight)");
  EXPECT_EQ(b.Usage().calls, 2);
}

TEST(BudgetTest, TokenLimitCountsReservationsOfCallsInFlight) {
  Budget b("task", {.tokens = 1000});
  auto first = b.Reserve({600, 0.0, "openai:x"});
  ASSERT_TRUE(std::holds_alternative<Budget::Reservation>(first));
  // 600 reserved: another 600 would overshoot even though nothing is committed yet.
  std::string why = Refusal(b, {600, 0.0, "openai:x"});
  EXPECT_NE(why.find("token limit of 1000 reached (0 used, 600 reserved by calls in flight"),
            std::string::npos)
      << why;
  // The first call used less than it reserved: the room comes back.
  std::get<Budget::Reservation>(first).Commit(200, 0.0);
  EXPECT_EQ(Refusal(b, {600, 0.0, "openai:x"}), "");
  EXPECT_EQ(b.Usage().tokens, 800);
}

TEST(BudgetTest, AnUncommittedReservationGivesItsRoomBack) {
  Budget b("run", {.calls = 1});
  { auto r = b.Reserve({1, 0.0, "openai:x"}); }
  EXPECT_EQ(b.Usage().calls_in_flight, 0);
  EXPECT_EQ(Refusal(b, {1, 0.0, "openai:x"}), "");
}

TEST(BudgetTest, DollarLimitNeedsAPriceAndStopsBeforeOvershooting) {
  Budget b("run", {.usd = 1.0});
  EXPECT_NE(Refusal(b, {10, std::nullopt, "openai:qwen"})
                .find("a dollar limit is set but the price of openai:qwen is unknown"),
            std::string::npos);
  EXPECT_EQ(Refusal(b, {10, 0.6, "openai:x"}), "");
  std::string why = Refusal(b, {10, 0.6, "openai:x"});
  EXPECT_NE(why.find("dollar limit of $1.00 reached ($0.60 spent"), std::string::npos) << why;
}

TEST(BudgetTest, WallTimeLimitUsesTheGivenClock) {
  double now = 100;
  Budget b("run", {.wall_s = 60}, nullptr, [&] { return now; });
  EXPECT_EQ(Refusal(b, {1, 0.0, "openai:x"}), "");
  now = 161;
  EXPECT_EQ(Refusal(b, {1, 0.0, "openai:x"}),
            "budget 'run': wall-time limit of 60 s reached (61 s elapsed)");
}

TEST(BudgetTest, ACallMustFitTheTaskAndTheRunBudget) {
  Budget run("run", {.calls = 3});
  Budget task_a("task a", {.calls = 2}, &run);
  Budget task_b("task b", {.calls = 2}, &run);
  CallEstimate e{1, 0.0, "openai:x"};
  EXPECT_EQ(Refusal(task_a, e), "");
  EXPECT_EQ(Refusal(task_a, e), "");
  EXPECT_NE(Refusal(task_a, e).find("budget 'task a': call limit"), std::string::npos);
  EXPECT_EQ(Refusal(task_b, e), "");
  EXPECT_NE(Refusal(task_b, e).find("budget 'run': call limit of 3"), std::string::npos);
  // The refused parent left no reservation behind in the child.
  EXPECT_EQ(task_b.Usage().calls_in_flight, 0);
  EXPECT_EQ(task_b.Usage().calls, 1);
}

TEST(BudgetTest, ConcurrentCallsCannotOvershootTheCallLimit) {
  Budget b("run", {.calls = 50});
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto r = b.Reserve({1, 0.0, "openai:x"});
        if (auto* res = std::get_if<Budget::Reservation>(&r)) {
          ++admitted;
          res->Commit(1, 0.0);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 50);
  EXPECT_EQ(b.Usage().calls, 50);
}

TEST(BudgetedProviderTest, StopsCallsCleanlyWithABudgetError) {
  FakeProvider inner(EchoAnswer);
  Budget b("task gemm", {.calls = 2});
  BudgetedProvider p(inner, b);
  EXPECT_TRUE(p.Complete(UserRequest("a")).ok());
  EXPECT_TRUE(p.Complete(UserRequest("b")).ok());
  CompletionResult third = p.Complete(UserRequest("c"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, LlmErrorKind::kBudget);
  EXPECT_NE(third.error().message.find("budget 'task gemm': call limit of 2"), std::string::npos);
  EXPECT_EQ(inner.calls(), 2);  // the refused call never reached the provider
}

TEST(BudgetedProviderTest, CommitsTheTokensAndCostTheCallReported) {
  FakeProvider inner(EchoAnswer);
  Budget b("run", {.tokens = 100000, .usd = 10.0});
  BudgetedProvider p(inner, b);
  ASSERT_TRUE(p.Complete(UserRequest("a")).ok());
  BudgetUsage u = b.Usage();
  EXPECT_EQ(u.calls, 1);
  EXPECT_EQ(u.tokens, 150);
  EXPECT_DOUBLE_EQ(u.usd, 0.001);
  EXPECT_EQ(u.calls_in_flight, 0);
}

TEST(BudgetedProviderTest, FailedCallsCountAsCallsAndTimeoutsAsTheirEstimate) {
  FakeProvider timeout([](const CompletionRequest&) -> CompletionResult {
    return LlmError{LlmErrorKind::kTimeout, "slow"};
  });
  FakeProvider refused([](const CompletionRequest&) -> CompletionResult {
    return LlmError{LlmErrorKind::kAuth, "bad key"};
  });
  Budget b("run", {.tokens = 100000});
  BudgetedProvider pt(timeout, b), pr(refused, b);
  EXPECT_FALSE(pr.Complete(UserRequest("a")).ok());
  EXPECT_EQ(b.Usage().calls, 1);
  EXPECT_EQ(b.Usage().tokens, 0);
  EXPECT_FALSE(pt.Complete(UserRequest("a")).ok());
  EXPECT_EQ(b.Usage().calls, 2);
  EXPECT_GE(b.Usage().tokens, 1000);  // max_tokens of the request
}

TEST(BudgetedProviderTest, EstimateIsAnUpperBoundFromBytesAndMaxTokens) {
  CompletionRequest r = UserRequest(std::string(3000, 'a'));
  r.model = "gpt-5-mini";
  CallEstimate e = EstimateCall("openai", "gpt-5-mini", r, PriceTable::BuiltIn());
  EXPECT_GE(e.tokens, 1000 + 1000);
  ASSERT_TRUE(e.usd);
  EXPECT_GT(*e.usd, 0);
  EXPECT_EQ(e.model, "openai:gpt-5-mini");
  EXPECT_FALSE(EstimateCall("openai", "local-model", r, PriceTable::BuiltIn()).usd);
}

}  // namespace
}  // namespace kopt
