// SPDX-License-Identifier: Apache-2.0
// Provider-layer benchmark against the fake LLM server on loopback: requests per second with
// many in flight, and the client's CPU time per request (the server is another process, so
// getrusage of this one excludes it). Target: < 1 ms CPU per request. Run by scripts/bench_llm.sh.
#include "llm/provider_factory.h"
#include "tests/support/fake_llm_server_process.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

// CPU seconds the fake server has used so far (from /proc), to show where the time goes.
double ServerCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt (fields 3-13)
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Figures {
  double wall_s = 0;
  double cpu_s = 0;
  int failures = 0;
  std::vector<double> latencies_ms;
};

Figures Run(kopt::Provider& provider, const kopt::CompletionRequest& request, int requests,
            int concurrency) {
  Figures f;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::vector<double>> latencies(concurrency);
  double cpu0 = CpuSeconds();
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      while (next.fetch_add(1) < requests) {
        kopt::CompletionResult r = provider.Complete(request);
        if (!r.ok()) {
          if (failures.fetch_add(1) == 0)
            std::fprintf(stderr, "first failure: %s\n", r.error().message.c_str());
          continue;
        }
        latencies[t].push_back(r.value().latency_ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  f.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  f.cpu_s = CpuSeconds() - cpu0;
  f.failures = failures;
  for (auto& l : latencies) f.latencies_ms.insert(f.latencies_ms.end(), l.begin(), l.end());
  std::sort(f.latencies_ms.begin(), f.latencies_ms.end());
  return f;
}

double Median(const std::vector<double>& v) { return v.empty() ? 0 : v[v.size() / 2]; }

}  // namespace

int main(int argc, char** argv) {
  int requests = 4000, concurrency = 32, prompt_bytes = 8192, answer_bytes = 2048;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--requests")
      requests = v;
    else if (a == "--concurrency")
      concurrency = v;
    else if (a == "--prompt-bytes")
      prompt_bytes = v;
    else if (a == "--answer-bytes")
      answer_bytes = v;
    else {
      std::fprintf(stderr,
                   "usage: llm_bench [--requests N] [--concurrency C] [--prompt-bytes P] "
                   "[--answer-bytes A]\n");
      return 2;
    }
  }
  kopt::testing::FakeLlmServer server(KOPT_FAKE_LLM_SERVER,
                                      {"--threads", std::to_string(concurrency + 8)});
  kopt::CompletionRequest request;
  request.messages = {{"system", std::string(1024, 's')},
                      {"user", std::string(std::max(0, prompt_bytes - 1024), 'u')}};
  request.max_tokens = 4096;
  request.purpose = "bench";
  std::printf(
      "LLM provider layer against the fake server on loopback: prompt %d bytes, answer %d bytes\n",
      prompt_bytes, answer_bytes);
  bool pass = true;
  for (std::string api : {"openai", "anthropic"}) {
    std::string url = api == "openai" ? server.openai_url() : server.anthropic_url();
    kopt::ProviderOptions options;
    options.max_concurrency = concurrency;
    options.retry.max_attempts = 1;
    auto provider = kopt::MakeProvider(
        kopt::ParseModelSpec(api + ":bytes:" + std::to_string(answer_bytes) + "@" + url), options);
    Run(*provider, request, 100, concurrency);  // warm up: connections, allocator
    double server0 = ServerCpuSeconds(server.pid());
    Figures many = Run(*provider, request, requests, concurrency);
    double server_ms = (ServerCpuSeconds(server.pid()) - server0) * 1000 / requests;
    Figures one = Run(*provider, request, std::max(200, requests / 20), 1);
    double cpu_ms = many.cpu_s * 1000 / requests;
    double cpu_ms_seq = one.cpu_s * 1000 / std::max(200, requests / 20);
    std::printf("%s:\n", api.c_str());
    std::printf(
        "  %d in flight: %d requests in %.2f s = %.0f requests/s, median latency %.2f ms, %d "
        "failed\n",
        concurrency, requests, many.wall_s, requests / many.wall_s, Median(many.latencies_ms),
        many.failures);
    std::printf(
        "  client CPU per request: %.3f ms with %d in flight, %.3f ms one at a time "
        "(target < 1 ms)\n",
        cpu_ms, concurrency, cpu_ms_seq);
    std::printf("  one at a time: median latency %.3f ms\n", Median(one.latencies_ms));
    std::printf("  (the fake server used %.3f ms CPU per request; %ld CPU cores here)\n", server_ms,
                ::sysconf(_SC_NPROCESSORS_ONLN));
    pass = pass && cpu_ms < 1.0 && cpu_ms_seq < 1.0 && many.failures == 0 && one.failures == 0;
  }
  std::printf("%s\n", pass ? "PASS: under 1 ms of client CPU per request"
                           : "FAIL: over target or failures");
  return pass ? 0 : 1;
}
