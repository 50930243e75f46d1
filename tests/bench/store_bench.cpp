// SPDX-License-Identifier: Apache-2.0
// Store benchmark (any machine, no GPU): inserts evaluations one transaction each, as the search
// does, then times the leaderboard; prints each figure with its target beside it.
// Usage: store_bench [--db PATH] [--tasks N] [--evaluations N] [--gpus N]
#include "results/leaderboard.h"
#include "tests/support/store_fixtures.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

using namespace kopt;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU time of the calling thread: what an insert costs whatever else the machine is doing.
double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

void Row(const char* what, double value, const char* unit, const char* target, bool ok) {
  std::printf("%-44s %12.1f %-8s %-14s %s\n", what, value, unit, target, ok ? "ok" : "MISSED");
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  long tasks = 100, evaluations = 100000, gpus = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--tasks")) tasks = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--evaluations")) evaluations = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--gpus")) gpus = std::atol(argv[i + 1]);
  }
  testing::TempDir dir;
  if (db.empty()) db = dir.File("bench.db");
  std::filesystem::remove(db);
  const std::vector<std::string> devices = {"NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB",
                                            "NVIDIA L40S", "NVIDIA GeForce RTX 4090"};
  gpus = std::clamp<long>(gpus, 1, static_cast<long>(devices.size()));
  const long candidates = evaluations / gpus;

  Store store(db);
  std::int64_t run = store.BeginRun(RunInfo{"bench"});
  std::vector<std::int64_t> task_ids, parents;
  for (long t = 0; t < tasks; ++t) {
    task_ids.push_back(
        store.AddTask(testing::MakeTask("task_" + std::to_string(t), "bench"), "bench"));
    parents.push_back(store.ReferenceCandidate(task_ids.back()));
  }

  // Candidates of about the size an LLM writes (3-4 KB), spread over the tasks.
  std::vector<std::int64_t> candidate_ids;
  auto start = Clock::now();
  for (long i = 0; i < candidates; ++i) {
    NewCandidate c;
    c.task_id = task_ids[static_cast<std::size_t>(i % tasks)];
    c.run_id = run;
    c.parent_id = parents[static_cast<std::size_t>(i % tasks)];
    c.source = testing::CandidateSource(static_cast<int>(i), 3000);
    c.tunables = {{"BS", 128}};
    c.key = CandidateKey(c.source, c.tunables);  // the hash the store made itself before
    c.plan = "Apply menu option " + std::to_string(i % 40) + " to the parent.";
    c.menu_option_id = "opt." + std::to_string(i % 40);
    c.iteration = static_cast<int>(i / tasks % 8);
    c.proposer = "llm";
    c.model = "model-a";
    candidate_ids.push_back(store.AddCandidate(c));
  }
  double candidate_s = Since(start);

  // Evaluations: one per candidate and GPU, one transaction each; one in ten fails.
  std::vector<EvalResult> results;
  for (long g = 0; g < gpus; ++g) {
    for (int k = 0; k < 10; ++k) {
      const std::string& device = devices[static_cast<std::size_t>(g)];
      results.push_back(
          k == 9 ? testing::FailedResult(device, EvalStatus::kWrongAnswer)
                 : testing::CorrectResult(device, 0.2 + 0.05 * k, 1.0, 0.3, k == 0 && g == 0));
    }
  }
  start = Clock::now();
  double cpu_start = ThreadCpuSeconds();
  long done = 0;
  for (long g = 0; g < gpus; ++g) {
    for (long i = 0; i < candidates; ++i, ++done) {
      const EvalResult& r = results[static_cast<std::size_t>(g * 10 + (i * 7 + g) % 10)];
      store.RecordEvaluation({candidate_ids[static_cast<std::size_t>(i)], run, "", true, r});
    }
  }
  double evaluation_s = Since(start);
  double evaluation_cpu_s = ThreadCpuSeconds() - cpu_start;

  // The leaderboard from a fresh connection (as `kopt leaderboard` runs), then repeated.
  Store reader(db, Store::OpenMode::kExisting);
  start = Clock::now();
  Leaderboard board = QueryLeaderboard(reader, {});
  double first_ms = Since(start) * 1000;
  std::vector<double> times;
  for (int i = 0; i < 7; ++i) {
    start = Clock::now();
    board = QueryLeaderboard(reader, {});
    times.push_back(Since(start) * 1000);
  }
  std::sort(times.begin(), times.end());
  double median_ms = times[times.size() / 2];
  start = Clock::now();
  Leaderboard one = QueryLeaderboard(reader, {"", "task_7"});
  double one_ms = Since(start) * 1000;
  start = Clock::now();
  const int lookups = 2000;
  for (int i = 0; i < lookups; ++i) {
    std::int64_t id = candidate_ids[static_cast<std::size_t>(i * 13 % candidates)];
    std::optional<CandidateRecord> c = reader.GetCandidate(id);
    std::optional<TaskRecord> t = reader.GetTask(c->candidate.task_id);
    if (!reader.FindEvaluation(t->content_hash, c->candidate.key, devices[0], true)) return 1;
  }
  double lookup_us = Since(start) * 1e6 / lookups;

  std::printf("store benchmark: %ld tasks, %ld candidates, %ld evaluations on %ld GPU model%s\n",
              tasks, candidates, done, gpus, gpus == 1 ? "" : "s");
  std::printf("database %s, %.0f MB (+ WAL)\n\n", db.c_str(), std::filesystem::file_size(db) / 1e6);
  std::printf("%-44s %12s %-8s %-14s\n", "figure", "measured", "", "target");
  Row("insert candidates (one transaction each)", candidates / candidate_s, "/s", "(figure)", true);
  double rate = done / evaluation_s;
  Row("insert evaluations (one transaction each)", rate, "/s", ">= 5000/s", rate >= 5000);
  Row("  writer CPU per evaluation insert", evaluation_cpu_s * 1e6 / done, "us", "(figure)", true);
  char what[96];
  std::snprintf(what, sizeof what, "leaderboard over %ld tasks, median of 7", tasks);
  Row(what, median_ms, "ms", "< 100 ms", median_ms < 100);
  Row("leaderboard, first query on a new connection", first_ms, "ms", "(figure)", true);
  Row("leaderboard of one task (--task)", one_ms, "ms", "(figure)", true);
  Row("evaluation cache lookup (with its candidate)", lookup_us, "us", "(figure)", true);
  std::printf("\n%zu leaderboard entries, %zu suite summaries, %zu entries for task_7\n",
              board.entries.size(), board.summaries.size(), one.entries.size());
  return rate >= 5000 && median_ms < 100 ? 0 : 1;
}
