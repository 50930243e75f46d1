// SPDX-License-Identifier: Apache-2.0
// A child process for the store's crash and concurrency tests: writes every kind of record in a
// loop and prints "KIND ID [DETAIL]" on stdout, unbuffered, after each commit has returned.
// Usage: kopt_store_writer DB [--seed N] [--payload BYTES] [--records N]
#include "results/schedule_store.h"
#include "results/store.h"
#include "tests/support/store_fixtures.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

void Say(const std::string& line) {
  std::string text = line + "\n";
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(1, p, left);
    if (n <= 0) std::exit(3);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kopt;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: kopt_store_writer DB [--seed N] [--payload BYTES] [--records N]\n");
    return 2;
  }
  std::string path = argv[1];
  long seed = 0, payload = 4096, records = -1;
  for (int i = 2; i + 1 < argc; i += 2) {
    long value = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = value;
    if (!std::strcmp(argv[i], "--payload")) payload = value;
    if (!std::strcmp(argv[i], "--records")) records = value;
  }
  const std::string device = "NVIDIA H100 80GB HBM3";
  const std::string padding(static_cast<std::size_t>(payload), 'x');
  try {
    Store store(path);
    Say("open");
    std::int64_t run = 0;
    for (long i = 0; records < 0 || i < records; ++i) {
      if (i % 20 == 0) {
        if (run) {
          store.FinishRun(run, "ok");
          Say("finish " + std::to_string(run));
        }
        RunInfo info;
        info.command = "optimize";
        info.argv = {"kopt_store_writer", path};
        info.seed = static_cast<std::uint64_t>(seed);
        run = store.BeginRun(info);
        Say("run " + std::to_string(run));
      }
      Task task = testing::MakeTask("task_" + std::to_string(i % 5), "crash");
      std::int64_t task_id = store.AddTask(task, "crash");
      Say("task " + std::to_string(task_id));

      NewCandidate c = testing::TestCandidate(
          task_id, testing::CandidateSource(static_cast<int>(seed * 1000000 + i), padding.size()),
          {{"BS", 128}}, "llm");
      c.run_id = run;
      c.parent_id = store.ReferenceCandidate(task_id);
      c.iteration = static_cast<int>(i);
      std::int64_t candidate = store.AddCandidate(c);
      Say("candidate " + std::to_string(candidate));

      EvalResult r = testing::CorrectResult(device, 0.1 + (i % 97) * 0.01, 2.0, 1.0);
      r.compile.log += padding;
      std::int64_t evaluation = store.RecordEvaluation({candidate, run, "", true, r});
      Say("evaluation " + std::to_string(evaluation) + " " + std::to_string(candidate));

      LlmCallRecord call;
      call.cache_key = "s" + std::to_string(seed) + "-" + std::to_string(i);
      call.provider = "cmd";
      call.model = "model";
      call.request_json = "{}";
      call.response_text = padding;
      call.cost_usd = 0.001;
      std::int64_t llm = store.RecordLlmCall(call, {run, task_id, "code"});
      Say("llm " + std::to_string(llm) + " " + call.cache_key);

      if (i % 10 == 9) {
        Schedule s = kopt::testing::SampleSchedule("writer", "GPU", i);
        s.source_candidate_id = candidate;
        Say("schedule " + std::to_string(SaveSchedule(store, s, task_id).id));
      }
    }
    if (run) store.FinishRun(run, "ok");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kopt_store_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
