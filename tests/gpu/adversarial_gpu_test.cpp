// SPDX-License-Identifier: Apache-2.0
// The adversarial candidate set on a real GPU (tests/data/candidates/adversarial/cases.json):
// every cheating, faulty or sneaky kernel gets the status its manifest expects, with timing on,
// since several exploits only show while timed; when the result names the check that caught it,
// that is the manifest's check too. The legit set (tests/data/candidates/legit/cases.json) stays
// correct and is not flagged by the roofline. No result, compile log included, may carry the
// environment (a canary set here and every entry of this process's own environment) or
// /etc/passwd. Cases only compute-sanitizer can catch ("needs_sanitizer") and the legit kernels
// get the sanitizer pass; where it could not run (no compute-sanitizer), such a case is printed
// and not asserted.
#include "core/json_fields.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/worker/cuda_driver.h"
#include "tests/support/require_gpu.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace kopt {
namespace {

namespace fs = std::filesystem;

// The build's paths, unless the environment says the tree or the binary moved.
std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

const fs::path kRoot = FromEnv("KOPT_SOURCE_DIR", KOPT_SOURCE_DIR);
const fs::path kCandidates = kRoot / "tests/data/candidates";

struct Case {
  std::string file;
  std::string task;  // "quick/softmax_rows": a folder under tasks/
  std::string category;
  std::string expected;
  std::string check;
  bool needs_sanitizer = false;
};

// Whether `value` is one of the manifest's alternatives ("crashed|wrong_answer").
bool OneOf(const std::string& value, const std::string& alternatives) {
  std::size_t start = 0;
  for (;;) {
    std::size_t bar = alternatives.find('|', start);
    if (alternatives.substr(start, bar - start) == value) return true;
    if (bar == std::string::npos) return false;
    start = bar + 1;
  }
}

std::vector<Case> LoadCases(const std::string& kind) {
  fs::path manifest = kCandidates / kind / "cases.json";
  nlohmann::json j = nlohmann::json::parse(ReadFile(manifest.string()));
  std::vector<Case> cases;
  for (const auto& c : j) {
    Case out;
    out.file = c.at("file").get<std::string>();
    out.task = c.at("task").get<std::string>();
    out.category = c.value("category", std::string("legit"));
    out.expected = c.value("expected", std::string("correct"));
    out.check = c.value("check", std::string());
    out.needs_sanitizer = c.value("needs_sanitizer", false);
    cases.push_back(std::move(out));
  }
  return cases;
}

// Strings that must never appear in a result: the canary, the "NAME=value" entries of this
// process's environment as the kernel shows it in /proc/self/environ (what an include of that file
// would quote; setenv does not change that file, so the canary covers child processes, the file's
// entries cover this one), and the first line of /etc/passwd.
class Secrets {
 public:
  Secrets() {
    std::random_device rd;
    canary_ = "canary-" + std::to_string(rd()) + "-" + std::to_string(rd());
    ::setenv("KOPT_LEAK_CANARY", canary_.c_str(), 1);
    secrets_.push_back(canary_);
    std::ifstream environ_file("/proc/self/environ", std::ios::binary);
    std::string entry;
    while (std::getline(environ_file, entry, '\0')) {
      if (entry.size() >= 12 && entry.find('=') != std::string::npos) secrets_.push_back(entry);
    }
    std::ifstream passwd("/etc/passwd");
    std::string line;
    if (std::getline(passwd, line) && line.size() >= 8) secrets_.push_back(line);
  }
  // The first secret found in the result's message, compile log or JSON (shown only as its first
  // 12 characters, never its value), or "".
  std::string FindIn(const EvalResult& r) const {
    std::string text = r.message + "\n" + r.compile.log + "\n" + ToJson(r).dump();
    for (const auto& s : secrets_) {
      if (text.find(s) != std::string::npos) return s.substr(0, 12) + "...";
    }
    return "";
  }

 private:
  std::string canary_;
  std::vector<std::string> secrets_;
};

CudaEvaluator MakeEvaluator() {
  CudaEvaluatorConfig config;
  config.worker_binary = FromEnv("KOPT_BINARY", KOPT_BINARY);
  return CudaEvaluator(config);
}

EvalResult Evaluate(CudaEvaluator& evaluator, const Case& c, const std::string& kind,
                    bool sanitize) {
  Task task = LoadTask((kRoot / "tasks" / c.task).string());
  fs::path file = kCandidates / kind / c.file;
  EvalRequest request;
  request.task = &task;
  request.file = file.filename().string();
  request.candidate = TryMakeCandidate(task, ReadFile(file.string()), {}, request.file);
  request.options.time = true;  // stale results and call counts only show while timed
  request.options.timeout_s = c.category == "hangs" ? 15 : 120;
  request.options.sanitize = sanitize;  // runs only after a correct result
  return evaluator.Evaluate(request);
}

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > 160 ? line.substr(0, 160) + "..." : line;
}

class AdversarialGpuTest : public ::testing::Test {
 protected:
  void SetUp() override { KOPT_SKIP_WITHOUT_GPU(); }
};

TEST_F(AdversarialGpuTest, EveryAdversarialCaseGetsItsStatus) {
  Secrets secrets;  // before the evaluator starts its worker, so the worker inherits the canary
  CudaEvaluator evaluator = MakeEvaluator();
  std::vector<Case> cases = LoadCases("adversarial");
  ASSERT_GE(cases.size(), 32u);
  int right = 0, unchecked = 0;
  for (const auto& c : cases) {
    EvalResult r = Evaluate(evaluator, c, "adversarial", c.needs_sanitizer);
    nlohmann::json j = ToJson(r);
    std::string got(EvalStatusName(r.status));
    std::string check = j.value("check", std::string());
    bool status_ok = OneOf(got, c.expected);
    bool check_ok = check.empty() || c.check.empty() || OneOf(check, c.check);
    right += status_ok && check_ok;
    std::printf("%-34s %-16s expected %-13s got %-13s check %-15s %s\n", c.file.c_str(),
                c.category.c_str(), c.expected.c_str(), got.c_str(),
                check.empty() ? "-" : check.c_str(),
                status_ok && check_ok ? "ok" : (got == "correct" ? "MISSED" : "WRONG"));
    // A leak is a failure whatever the status and whether or not the sanitizer runs; the message
    // is then never printed.
    std::string leaked = secrets.FindIn(r);
    EXPECT_EQ(leaked, "") << c.file << ": the result carries a secret (" << leaked << ")";
    std::string shown = leaked.empty() ? FirstLine(r.message) : "(withheld: carries a secret)";
    if (c.needs_sanitizer && r.ok() && !(r.sanitizer && r.sanitizer->ran)) {
      std::printf("  (not asserted: the sanitizer did not run: %s)\n",
                  r.sanitizer ? r.sanitizer->note.c_str() : "no report");
      ++unchecked;
      continue;
    }
    EXPECT_TRUE(status_ok) << c.file << ": expected " << c.expected << ", got " << got << " ("
                           << c.category << ", " << c.task << "): " << shown;
    EXPECT_TRUE(check_ok) << c.file << ": caught by " << check << ", not " << c.check << ": "
                          << shown;
  }
  std::printf("adversarial: %d/%zu classified right (%d not asserted: no sanitizer)\n", right,
              cases.size(), unchecked);
  // The hangs and crashes each cost a worker; the evaluator still works afterwards.
  Case good{"gemm_splitk_atomic.cu", "quick/gemm_fp32", "legit", "correct", "", false};
  EvalResult after = Evaluate(evaluator, good, "legit", false);
  EXPECT_EQ(after.status, EvalStatus::kCorrect) << after.message;
}

TEST_F(AdversarialGpuTest, LegitKernelsStayCorrectAndUnflagged) {
  Secrets secrets;
  CudaEvaluator evaluator = MakeEvaluator();
  std::vector<Case> cases = LoadCases("legit");
  ASSERT_GE(cases.size(), 5u);
  for (const auto& c : cases) {
    EvalResult r = Evaluate(evaluator, c, "legit", /*sanitize=*/true);
    bool suspicious = r.roofline && r.roofline->suspicious;
    std::printf("%-34s %-10s speedup %6.2fx  roofline %5.1f%%%s\n", c.file.c_str(),
                std::string(EvalStatusName(r.status)).c_str(), r.speedup ? r.speedup->value : 0.0,
                r.roofline ? 100 * r.roofline->fraction : 0.0, suspicious ? "  SUSPICIOUS" : "");
    std::string leaked = secrets.FindIn(r);
    EXPECT_EQ(leaked, "") << c.file << ": the result carries a secret (" << leaked << ")";
    EXPECT_EQ(r.status, EvalStatus::kCorrect)
        << c.file << " (" << c.task << "): " << (leaked.empty() ? r.message : "(withheld)");
    EXPECT_FALSE(suspicious) << c.file << ": flagged faster than the roofline allows";
  }
}

}  // namespace
}  // namespace kopt
