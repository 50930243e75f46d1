// SPDX-License-Identifier: Apache-2.0
#include "evaluator/sanitizer_pass.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "evaluator/nvrtc_compiler.h"
#include "evaluator/worker_process.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <unistd.h>

extern char** environ;

namespace kopt {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTools[] = {"memcheck", "racecheck", "initcheck", "synccheck"};
constexpr int kReportLines = 14;

// The worker under a tool inherits kopt's environment, without CUPTI (the tools own the
// profiling interface) and without measuring the device's peaks (useless, and slow there).
std::vector<std::string> ToolEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.emplace_back("KOPT_NO_CUPTI=1");
  env.emplace_back("KOPT_NO_PEAKS=1");
  env.emplace_back("KOPT_EXACT_BUFFERS=1");  // no guard zones for an overrun to hide in
  return env;
}

}  // namespace

std::string FindComputeSanitizer() {
  std::vector<fs::path> candidates;
  if (const char* home = std::getenv("CUDA_HOME")) candidates.push_back(fs::path(home) / "bin");
  candidates.push_back(fs::path(CudaIncludeDir()).parent_path() / "bin");
  candidates.push_back("/usr/local/cuda/bin");
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty()) candidates.push_back(dir);
    }
  }
  for (const auto& dir : candidates) {
    fs::path tool = dir / "compute-sanitizer";
    if (::access(tool.c_str(), X_OK) == 0) return tool.string();
  }
  return "";
}

SanitizerTool ParseSanitizerLog(const std::string& tool, const std::string& log) {
  static const std::regex kSummary(R"(ERROR SUMMARY: (\d+) error)");
  static const std::regex kHazards(R"(\((\d+) errors?, (\d+) warnings?\))");
  static const std::regex kFinding(
      R"(^========= (Invalid|Error|Race|Uninitialized|Barrier|Out-of-range|Misaligned|Malformed|Unused|Cuda API error|Program hit))");
  SanitizerTool out;
  out.tool = tool;
  std::istringstream lines(log);
  std::string line;
  std::smatch m;
  int report_lines = 0, findings = 0;
  bool in_report = false;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, kSummary)) out.errors = std::max(out.errors, std::stoi(m[1]));
    if (line.find("SUMMARY") != std::string::npos && std::regex_search(line, m, kHazards)) {
      out.errors = std::max(out.errors, std::stoi(m[1]));
      out.warnings = std::max(out.warnings, std::stoi(m[2]));
    }
    bool is_error = std::regex_search(line, kFinding) && line.find("Warning") == std::string::npos;
    findings += is_error;
    bool is_fatal =
        is_error || (tool == "racecheck" && line.rfind("========= Warning: Race", 0) == 0);
    if (!in_report && out.first_error.empty() && is_fatal) in_report = true;
    if (in_report) {
      if (line == "=========" || line == "========= " || report_lines >= kReportLines) {
        in_report = false;
        continue;
      }
      out.first_error += line.substr(std::min<std::size_t>(line.size(), 10)) + "\n";
      ++report_lines;
    }
  }
  // The summary is missing when the worker was killed after a fault (a worker whose context
  // is poisoned is replaced at once): the findings themselves count then.
  out.errors = std::max(out.errors, findings);
  return out;
}

SanitizerReport RunSanitizerPass(const std::vector<std::string>& worker, const nlohmann::json& job,
                                 double timeout_per_tool_s) {
  auto start = std::chrono::steady_clock::now();
  SanitizerReport report;
  std::string sanitizer = FindComputeSanitizer();
  if (sanitizer.empty()) {
    report.note = "compute-sanitizer not found (install the CUDA toolkit's, or put it on PATH)";
    return report;
  }
  report.ran = true;
  for (const char* tool : kTools) {
    char path[] = "/tmp/kopt-sanitizer-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) throw Error("cannot create the sanitizer's log file");
    ::close(fd);
    std::vector<std::string> argv = {sanitizer, "--tool",        tool, "--log-file",
                                     path,      "--print-limit", "20"};
    if (std::string(tool) == "memcheck") argv.insert(argv.end(), {"--leak-check", "no"});
    argv.insert(argv.end(), worker.begin(), worker.end());
    WorkerOptions options;
    options.name = std::string("GPU worker under ") + tool;
    options.start_timeout_s = 120;
    options.env = ToolEnvironment();
    options.own_process_group = true;  // a timeout ends compute-sanitizer and the worker under it
    SanitizerTool result;
    std::string note;
    try {
      WorkerProcess process(argv, options);
      JobOutcome outcome = process.Run(job, timeout_per_tool_s);
      if (outcome.kind == JobOutcome::Kind::kTimeout) note = "timed out: " + outcome.detail;
      process.Finish(30);
    } catch (const Error& e) {
      note = e.what();
    }
    result = ParseSanitizerLog(tool, ReadFile(path));
    result.note = note;
    fs::remove(path);
    report.tools.push_back(result);
  }
  report.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace kopt
