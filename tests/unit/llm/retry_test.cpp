// SPDX-License-Identifier: Apache-2.0
#include "llm/retry.h"

#include "llm/http_client.h"
#include "llm/http_errors.h"

#include <gtest/gtest.h>

#include <vector>

namespace kopt {
namespace {

LlmError Err(LlmErrorKind kind, std::optional<double> retry_after = std::nullopt) {
  LlmError e{kind, "failed"};
  e.retry_after_s = retry_after;
  return e;
}

TEST(RetryTest, RetriesOnlyWhatMaySucceed) {
  for (auto k : {LlmErrorKind::kRateLimited, LlmErrorKind::kServer, LlmErrorKind::kTimeout,
                 LlmErrorKind::kNetwork, LlmErrorKind::kBadResponse}) {
    EXPECT_TRUE(IsRetryable(Err(k))) << ToString(k);
  }
  for (auto k : {LlmErrorKind::kBadRequest, LlmErrorKind::kAuth, LlmErrorKind::kCommand,
                 LlmErrorKind::kBudget, LlmErrorKind::kCacheMiss}) {
    EXPECT_FALSE(IsRetryable(Err(k))) << ToString(k);
  }
  LlmError huge = Err(LlmErrorKind::kBadResponse);
  huge.no_retry = true;
  EXPECT_FALSE(IsRetryable(huge));
}

TEST(RetryTest, BackoffDoublesWithJitterAndIsReproducibleFromItsSeed) {
  RetryPolicy p;
  p.initial_delay_s = 1;
  p.max_delay_s = 8;
  p.seed = 42;
  Backoff a(p), b(p);
  for (int attempt = 1; attempt <= 6; ++attempt) {
    double cap = std::min(8.0, std::pow(2.0, attempt - 1));
    double d = a.DelayS(attempt, std::nullopt);
    EXPECT_GE(d, cap / 2);
    EXPECT_LE(d, cap);
    EXPECT_DOUBLE_EQ(d, b.DelayS(attempt, std::nullopt));
  }
  p.seed = 43;
  Backoff c(p);
  Backoff a2(RetryPolicy{.seed = 42});
  EXPECT_NE(c.DelayS(1, std::nullopt), a2.DelayS(1, std::nullopt));
}

TEST(RetryTest, RetryAfterWins) {
  Backoff b(RetryPolicy{.initial_delay_s = 0.01, .seed = 1});
  double d = b.DelayS(1, 7.0);
  EXPECT_GE(d, 7.0);
  EXPECT_LE(d, 7.7);
}

TEST(RetryTest, RunWithRetriesStopsAtTheFirstErrorThatCannotSucceed) {
  RetryPolicy p{.max_attempts = 5, .seed = 1};
  Backoff b(p);
  std::vector<double> slept;
  std::vector<std::string> notices;
  int calls = 0;
  CompletionResult r = RunWithRetries(
      p, b,
      [&](int n) -> CompletionResult {
        ++calls;
        return n == 1 ? Err(LlmErrorKind::kServer) : Err(LlmErrorKind::kAuth);
      },
      "openai m", [&](const std::string& line) { notices.push_back(line); },
      [&](double s) { slept.push_back(s); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.error().kind, LlmErrorKind::kAuth);
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_EQ(r.error().message, "failed (after 2 attempts)");
  ASSERT_EQ(slept.size(), 1u);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("openai m: server: failed; retrying in"), std::string::npos);
  EXPECT_NE(notices[0].find("(attempt 2 of 5)"), std::string::npos);
}

TEST(RetryTest, GivesUpAfterMaxAttemptsAndRetriesBadAnswersOnce) {
  RetryPolicy p{.max_attempts = 4, .seed = 1};
  Backoff b(p);
  int calls = 0;
  auto no_sleep = [](double) {};
  CompletionResult r = RunWithRetries(
      p, b,
      [&](int) -> CompletionResult {
        ++calls;
        return Err(LlmErrorKind::kTimeout);
      },
      "x", {}, no_sleep);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(r.error().attempts, 4);
  calls = 0;
  r = RunWithRetries(
      p, b,
      [&](int) -> CompletionResult {
        ++calls;
        return Err(LlmErrorKind::kBadResponse);
      },
      "x", {}, no_sleep);
  EXPECT_EQ(calls, 2);
}

TEST(RetryTest, SucceedsAfterTransientFailuresAndCountsAttempts) {
  RetryPolicy p{.max_attempts = 4, .seed = 1};
  Backoff b(p);
  CompletionResult r = RunWithRetries(
      p, b,
      [&](int n) -> CompletionResult {
        if (n < 3) return Err(LlmErrorKind::kRateLimited, 0.5);
        return Completion{.text = "ok"};
      },
      "x", {}, [](double s) { EXPECT_GE(s, 0.5); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().attempts, 3);
}

TEST(RetryTest, ARetryAfterBeyondTheCapEndsTheCall) {
  RetryPolicy p{.max_attempts = 4, .max_retry_after_s = 30, .seed = 1};
  Backoff b(p);
  int calls = 0;
  CompletionResult r = RunWithRetries(
      p, b,
      [&](int) -> CompletionResult {
        ++calls;
        return Err(LlmErrorKind::kRateLimited, 3600);
      },
      "x", {}, [](double) { FAIL() << "must not wait an hour"; });
  EXPECT_EQ(calls, 1);
  EXPECT_NE(r.error().message.find("asked to wait 3600 s, longer than the 30 s allowed"),
            std::string::npos)
      << r.error().message;
}

TEST(RetryTest, ParsesRetryAfterSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("3"), 3.0);
  EXPECT_EQ(ParseRetryAfter(" 1.5 "), 1.5);
  EXPECT_FALSE(ParseRetryAfter(""));
  EXPECT_FALSE(ParseRetryAfter("soon"));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0);  // in the past
}

TEST(HttpErrorsTest, StatusesMapToKinds) {
  auto kind = [](long status) {
    HttpResponse r;
    r.status = status;
    r.body = R"({"error": {"message": "the reason"}})";
    return HttpFailureToError(r, "http://x/v1/chat/completions");
  };
  EXPECT_FALSE(kind(200));
  EXPECT_EQ(kind(429)->kind, LlmErrorKind::kRateLimited);
  EXPECT_EQ(kind(401)->kind, LlmErrorKind::kAuth);
  EXPECT_EQ(kind(403)->kind, LlmErrorKind::kAuth);
  EXPECT_EQ(kind(404)->kind, LlmErrorKind::kBadRequest);
  EXPECT_EQ(kind(400)->kind, LlmErrorKind::kBadRequest);
  EXPECT_EQ(kind(408)->kind, LlmErrorKind::kTimeout);
  EXPECT_EQ(kind(500)->kind, LlmErrorKind::kServer);
  EXPECT_EQ(kind(529)->kind, LlmErrorKind::kServer);
  EXPECT_EQ(kind(500)->message, "HTTP 500 from http://x/v1/chat/completions: the reason");
  EXPECT_EQ(kind(500)->http_status, 500);
}

TEST(HttpErrorsTest, ApiMessagesOfBothDialectsAndPlainBodies) {
  EXPECT_EQ(ApiErrorMessage(R"({"type":"error","error":{"type":"x","message":"overloaded"}})"),
            "overloaded");
  EXPECT_EQ(ApiErrorMessage(R"({"error":"model not found"})"), "model not found");
  EXPECT_EQ(ApiErrorMessage("<html>\n  <b>bad   gateway</b>\n</html>"),
            "<html> <b>bad gateway</b> </html>");
  EXPECT_EQ(ApiErrorMessage(""), "(empty body)");
}

}  // namespace
}  // namespace kopt
