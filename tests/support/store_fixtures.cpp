// SPDX-License-Identifier: Apache-2.0
#include "tests/support/store_fixtures.h"

#include "core/sha256.h"

#include <atomic>
#include <filesystem>
#include <unistd.h>

namespace kopt::testing {
namespace {

std::vector<double> Samples(double median, double spread) {
  std::vector<double> s;
  for (int i = -10; i <= 10; ++i) s.push_back(median * (1 + spread * i / 10.0));
  return s;
}

TimingInfo Timing(double median_ms) {
  TimingInfo t;
  t.event_ms = Summarize(Samples(median_ms, 0.01));
  t.kernel_ms = Summarize(Samples(median_ms * 0.95, 0.01));
  t.sm_clock_mhz = 1980;
  t.input_sets = 4;
  return t;
}

}  // namespace

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path p =
      std::filesystem::temp_directory_path() /
      ("kopt_store_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  path_ = p.string();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Task MakeTask(const std::string& name, const std::string& suite, int version) {
  std::string json = R"({"schema_version": 1, "name": ")" + name +
                     R"(", "description": "sum, version )" + std::to_string(version) +
                     R"(", "op_class": "reduction", "symbols": {"N": 4096},
      "tensors": [{"name": "X", "dtype": "f32", "shape": ["N"], "role": "input"},
                  {"name": "S", "dtype": "f32", "shape": [1], "role": "output"}],
      "tolerance": {"rtol": 0, "atol": 0.1}, "flops": "N", "bytes": "4*N + 4"})";
  Task task = ParseTask(json, "/data/tasks/" + suite + "/" + name + "/task.json");
  task.dir = "/data/tasks/" + suite + "/" + name;
  task.reference_source =
      "/*@kopt\n{\"launch\": [{\"kernel\": \"ref\", \"grid\": [1], \"block\": [1], "
      "\"args\": [\"X\", \"S\", \"N\"]}]}\n@kopt*/\n"
      "extern \"C\" __global__ void ref(const float* x, float* s, int n) {\n"
      "  float a = 0; for (int i = 0; i < n; ++i) a += x[i]; *s = a;\n}\n";
  task.content_hash = Sha256Hex(task.task_json + '\0' + task.reference_source);
  return task;
}

std::string CandidateSource(int variant, std::size_t padding) {
  std::string source =
      "/*@kopt\n{\"launch\": [{\"kernel\": \"sum\", \"grid\": [\"cdiv(N,BS)\"], "
      "\"block\": [\"BS\"], \"args\": [\"X\", \"S\", \"N\"]}],\n"
      " \"tunables\": {\"BS\": [128, 256]}}\n@kopt*/\n"
      "// variant " +
      std::to_string(variant) +
      "\nextern \"C\" __global__ void sum(const float* x, float* s, int n) {\n"
      "  int i = blockIdx.x * BS + threadIdx.x;\n  if (i < n) atomicAdd(s, x[i]);\n}\n";
  if (padding > 0) source += "/* " + std::string(padding, 'p') + " */\n";
  return source;
}

NewCandidate TestCandidate(std::int64_t task_id, const std::string& source,
                           const TunableChoice& overrides, const std::string& proposer) {
  return NewCandidateOf(task_id, TryMakeCandidate(source, overrides), proposer);
}

EvalResult CorrectResult(const std::string& device, double median_ms, double reference_ms,
                         double baseline_ms, bool suspicious) {
  EvalResult r;
  r.status = EvalStatus::kCorrect;
  r.message = "correct on 6 checks";
  r.device = device;
  r.compile.log = "ptxas info    : Used 32 registers";
  r.compile.compile_ms = 120;
  r.compile.kernels.push_back({"sum", 32, 0, 0, 0, 0});
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    r.checks.push_back({seed, "N=4096", true, 1e-6, 1e-7, 1e-8});
    r.checks.push_back({seed, "N=1000003", true, 2e-6, 2e-7, 2e-8});
  }
  r.timing = Timing(median_ms);
  r.reference_timing = Timing(reference_ms);
  r.speedup = CompareMedians(r.reference_timing->event_ms, r.timing->event_ms);
  if (baseline_ms > 0) {
    r.baseline = BaselineTiming{"cuBLASLt test", Timing(baseline_ms)};
    r.baseline_speedup = CompareMedians(r.baseline->timing.event_ms, r.timing->event_ms);
  }
  double floor_ms = 0.01;
  r.roofline = Roofline{1000, 0.5, floor_ms, floor_ms / median_ms, "memory", suspicious};
  r.wall_ms = 900;
  return r;
}

EvalResult FailedResult(const std::string& device, EvalStatus status) {
  EvalResult r;
  r.status = status;
  r.device = device;
  r.message = std::string(EvalStatusName(status)) + ": the candidate failed";
  if (status == EvalStatus::kCompileError) {
    r.compile.log = "candidate.cu(6): error: identifier \"y\" is undefined";
  }
  r.wall_ms = 50;
  return r;
}

Schedule SampleSchedule(const std::string& task_name, const std::string& gpu, int variant) {
  Schedule s;
  s.task = ProfileOf(MakeTask(task_name), "s1");
  s.gpu = gpu;
  s.arch = "sm_90a";
  std::string v = std::to_string(variant);
  ScheduleStep tile;
  tile.option = "tiling.shared";
  tile.plan = "Stage tiles in shared memory " + v + ".";
  tile.proposer = "llm";
  tile.kernel_key = "key-tile-" + v;
  tile.tunables = {{"BS", 128}};
  tile.latency_ms = 0.5, tile.speedup = 2.0, tile.gain = 2.0;
  tile.tried = {{"vector.loads", "Use float4 loads.", "wrong_answer", std::nullopt}};
  ScheduleStep unroll;
  unroll.option = kInventedOption;
  unroll.plan = "Unroll the inner loop by 4 " + v + ".";
  unroll.proposer = "llm";
  unroll.kernel_key = "key-unroll-" + v;
  unroll.tunables = {{"BS", 256}};
  unroll.latency_ms = 0.25, unroll.speedup = 4.0, unroll.gain = 2.0;
  s.steps = {tile, unroll};
  s.latency_ms = 0.25;
  s.speedup = 4.0;
  return s;
}

}  // namespace kopt::testing
