// SPDX-License-Identifier: Apache-2.0
#include "core/secrets.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <thread>
#include <vector>

namespace kopt {
namespace {

using Strings = std::vector<std::string>;

TEST(SecretSetTest, RedactsEveryCopyOfEverySecret) {
  SecretSet set;
  set.Add("sk-alpha-123");
  set.Add("hunter2pass");
  EXPECT_EQ(set.Redact("key sk-alpha-123, again sk-alpha-123; db hunter2pass."),
            "key [redacted], again [redacted]; db [redacted].");
  EXPECT_EQ(set.Redact("sk-alpha-123sk-alpha-123"), "[redacted][redacted]");
  EXPECT_EQ(set.Redact("nothing secret here"), "nothing secret here");
  EXPECT_EQ(set.Redact(""), "");
}

TEST(SecretSetTest, OverlappingSecretsLeaveNoPartOfEither) {
  SecretSet set;
  set.Add("abcdef12");
  set.Add("ef12ghij");
  EXPECT_EQ(set.Redact("xx abcdef12ghij yy"), "xx [redacted] yy");
  SecretSet nested;
  nested.Add("token-abc-long");
  nested.Add("abc");
  EXPECT_EQ(nested.Redact("a token-abc-long and an abc"), "a [redacted] and an [redacted]");
  SecretSet repeated;
  repeated.Add("aaaa");
  EXPECT_EQ(repeated.Redact("aaaaa b"), "[redacted] b");
}

TEST(SecretSetTest, RedactsTheJsonAndUrlEscapedForms) {
  const std::string secret = "p\"a\\ss/w@rd:1 \xc3\xa9";
  SecretSet set;
  set.Add(secret);
  std::string json = nlohmann::json({{"content", "the key is " + secret}}).dump();
  ASSERT_EQ(json.find(secret), std::string::npos) << "the JSON form differs from the value";
  EXPECT_EQ(set.Redact(json), R"({"content":"the key is [redacted]"})");
  std::string ascii_json = nlohmann::json(secret).dump(-1, ' ', true);
  EXPECT_EQ(set.Redact(ascii_json), "\"[redacted]\"");
  EXPECT_EQ(set.Redact("postgres://u:p%22a%5Css%2Fw%40rd%3A1%20%C3%A9@host/db"),
            "postgres://u:[redacted]@host/db");
  EXPECT_EQ(set.Redact("lower p%22a%5css%2fw%40rd%3a1%20%c3%a9"), "lower [redacted]");
}

TEST(SecretSetTest, IgnoresEmptyValues) {
  SecretSet set;
  set.Add("");
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.Redact("any text"), "any text");
  set.Add("x1");
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.Redact("ax1b"), "a[redacted]b") << "an explicitly added value has no minimum";
}

TEST(SecretSetTest, AddsAndRedactsFromManyThreadsAtOnce) {
  SecretSet set;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&set, t] {
      std::string mine = "secret-of-thread-" + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        set.Add(mine);
        EXPECT_EQ(set.Redact("<" + mine + ">"), "<[redacted]>");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(set.Redact("secret-of-thread-3 secret-of-thread-7"), "[redacted] [redacted]");
}

TEST(SecretSetTest, RedactSecretsUsesTheProcessSet) {
  EXPECT_EQ(RedactSecrets("process-canary-5d1e"), "process-canary-5d1e");
  ProcessSecrets().Add("process-canary-5d1e");
  EXPECT_EQ(RedactSecrets("a process-canary-5d1e b"), "a [redacted] b");
}

TEST(UrlPasswordsTest, FindsThePasswordOfEveryUrlAsWrittenAndDecoded) {
  EXPECT_EQ(UrlPasswords("postgres://kopt:s3cr%40t@db.example:5432/kopt"),
            (Strings{"s3cr%40t", "s3cr@t"}));
  EXPECT_EQ(UrlPasswords("--db=mysql://u:p@ss@h/x"), (Strings{"p@ss"}));
  EXPECT_EQ(UrlPasswords("https://a:b1@h/path?next=http://c:d2@e/ and ftp://x:y3@z"),
            (Strings{"b1", "d2", "y3"}));
  EXPECT_EQ(UrlPasswords("\"url\": \"https://user:pw9@api.example.com\""), (Strings{"pw9"}));
}

TEST(UrlPasswordsTest, IgnoresUrlsWithoutAPassword) {
  EXPECT_TRUE(UrlPasswords("openai:m@http://127.0.0.1:8000/v1").empty());
  EXPECT_TRUE(UrlPasswords("http://user@host/x").empty());
  EXPECT_TRUE(UrlPasswords("http://user:@host/x").empty());
  EXPECT_TRUE(UrlPasswords("http://host/a:b@c").empty()) << "an '@' in the path is no userinfo";
  EXPECT_TRUE(UrlPasswords("://a:b@c").empty()) << "no scheme";
  EXPECT_TRUE(UrlPasswords("kopt.db").empty());
}

TEST(AddEnvironmentSecretsTest, NamedVariablesAnyLengthPatternsFromEightBytes) {
  const char* environment[] = {"OPENAI_API_KEY=sk-1",
                               "KOPT_KEY=named-value",
                               "MY_TOKEN=short",
                               "GH_TOKEN=ghp_longenough",
                               "db_password=12345678",
                               "APP_SECRET=",
                               "HOME=/home/someone",
                               "SHELL_NAME_TOKENS=not-a-suffix-match",
                               "HTTPS_PROXY=http://me:proxy-pass-99@proxy:3128",
                               "OTHER_URL=http://me:tiny@host/",
                               "NOEQUALS",
                               nullptr};
  SecretSet set;
  AddEnvironmentSecrets(set, {"OPENAI_API_KEY", "KOPT_KEY", "UNSET_KEY"}, environment);
  EXPECT_EQ(set.Redact("sk-1"), "[redacted]");
  EXPECT_EQ(set.Redact("named-value"), "[redacted]");
  EXPECT_EQ(set.Redact("short"), "short") << "under 8 bytes and only matched by its name";
  EXPECT_EQ(set.Redact("ghp_longenough"), "[redacted]");
  EXPECT_EQ(set.Redact("12345678"), "[redacted]");
  EXPECT_EQ(set.Redact("/home/someone"), "/home/someone");
  EXPECT_EQ(set.Redact("not-a-suffix-match"), "not-a-suffix-match");
  EXPECT_EQ(set.Redact("proxy-pass-99"), "[redacted]");
  EXPECT_EQ(set.Redact("tiny"), "tiny") << "a password guessed from the environment has a minimum";
}

TEST(EnvironmentWithoutSecretsTest, LeavesOutSecretNamesKnownValuesAndUrlPasswords) {
  const char* environment[] = {"PATH=/usr/bin",
                               "MY_TOKEN=short",
                               "anthropic_api_key=sk-ant-lower",
                               "KOPT_KEY=named-value-1234",
                               "COPY_OF_KEY=prefix-named-value-1234",
                               "HTTPS_PROXY=http://me:tiny@proxy:3128",
                               "HOME=/home/someone",
                               "SHELL_NAME_TOKENS=not-a-suffix-match",
                               "NOEQUALS",
                               nullptr};
  SecretSet known;
  known.Add("named-value-1234");
  std::vector<std::string> kept = EnvironmentWithoutSecrets(environment, known);
  EXPECT_EQ(kept, (std::vector<std::string>{"PATH=/usr/bin", "HOME=/home/someone",
                                            "SHELL_NAME_TOKENS=not-a-suffix-match"}));
}

}  // namespace
}  // namespace kopt
