// SPDX-License-Identifier: Apache-2.0
// A fake at the Evaluator seam for tests of the search: a kernel's "measurement" is read from
// markers in its source, so a test writes the outcome it wants into the code it proposes.
//   // STATUS=wrong_answer        (default: correct)
//   // LAT=2.0                    the median in ms (default 1.0)
//   // FASTER_WITH=T              each unit of the tunable T divides the latency by (1 + 0.1 T)
// Timing samples have 0.1% spread and n = 30, so the noise band of a comparison is the 1% floor.
// Also here: the one-tensor task the search's tests run on.
#pragma once

#include "core/evaluator.h"
#include "core/sha256.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kopt::testing {

/// 30 samples around `median_ms`, 0.1% apart: a measurement whose noise band is the 1% floor.
inline TimingInfo QuietTiming(double median_ms) {
  std::vector<double> samples;
  for (int i = 0; i < 30; ++i) samples.push_back(median_ms * (1 + 0.001 * ((i % 3) - 1)));
  TimingInfo t;
  t.event_ms = Summarize(samples);
  return t;
}

/// A copy of N = 64 floats with the given reference and (optional) starter sources.
inline Task TinyTask(const std::string& reference, const std::string& starter = "") {
  Task task = ParseTask(R"({"schema_version": 1, "name": "tiny", "description": "copy",
    "op_class": "data_movement", "symbols": {"N": 64},
    "tensors": [{"name": "X", "dtype": "f32", "shape": ["N"], "role": "input"},
                {"name": "Y", "dtype": "f32", "shape": ["N"], "role": "output"}],
    "tolerance": {"rtol": 1e-5, "atol": 1e-5}, "flops": "0", "bytes": "8*N"})",
                        "tiny/task.json");
  task.dir = "tasks/test/tiny";
  task.reference_source = reference;
  task.starter_source = starter;
  task.content_hash = Sha256Hex(reference);
  return task;
}

class FakeEvaluator : public Evaluator {
 public:
  EvalResult Evaluate(const EvalRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
    }
    if (!request.candidate.ok()) return NotACandidateResult(request.candidate.error());
    const std::string& source = request.candidate.source();
    EvalResult r;
    r.device = "Fake GPU";
    std::string status = Marker(source, "STATUS", "correct");
    r.status = ParseEvalStatus(status).value_or(EvalStatus::kCrashed);
    if (r.status != EvalStatus::kCorrect) {
      r.message = "fake " + status + " for " + request.file;
      r.check = Marker(source, "CHECK", r.status == EvalStatus::kCompileError ? "compile" : "");
      return r;
    }
    double latency = std::stod(Marker(source, "LAT", "1.0"));
    std::string faster_with = Marker(source, "FASTER_WITH", "");
    const TunableChoice& tunables = request.candidate.tunables();
    if (auto it = tunables.find(faster_with); it != tunables.end()) {
      latency /= 1 + 0.1 * static_cast<double>(it->second);
    }
    TimingInfo t = QuietTiming(latency);
    r.timing = t;
    TimingInfo ref;
    ref.event_ms = Summarize(std::vector<double>(30, 10.0));
    r.reference_timing = ref;
    r.speedup = CompareMedians(ref.event_ms, t.event_ms);
    if (Marker(source, "SUSPICIOUS", "") == "1")
      r.roofline = Roofline{0, 0, 0, 1.5, "memory", true};
    if (request.options.sanitize) {
      r.sanitizer = SanitizerReport{true, "", {{"memcheck", 0, 0, "", ""}}, 1.0};
      if (Marker(source, "SANITIZER", "") == "error") {
        r.sanitizer->tools[0].errors = 1;
        r.status = EvalStatus::kWrongAnswer;
        r.check = "sanitizer";
        r.message = "fake memcheck finding for " + request.file;
      }
    }
    return r;
  }

  std::vector<EvalRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

  static std::string Marker(const std::string& source, const std::string& name,
                            const std::string& fallback) {
    std::string tag = "// " + name + "=";
    std::size_t at = source.find(tag);
    if (at == std::string::npos) return fallback;
    at += tag.size();
    return source.substr(at, source.find_first_of(" \n", at) - at);
  }

 private:
  std::mutex mutex_;
  std::vector<EvalRequest> requests_;
};

}  // namespace kopt::testing
