// SPDX-License-Identifier: Apache-2.0
// `kopt leaderboard`: the best correct kernel per task and GPU from the results store, with its
// speedups, roofline fraction, origin and LLM cost, and per suite fast_p and geometric means.
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"
#include "cli/validators.h"
#include "core/text.h"
#include "results/leaderboard.h"

#include <cstdio>

namespace kopt::cli {
namespace {

struct LeaderboardOptions {
  LeaderboardFilter filter;
  std::int64_t run_id = 0;
  std::string format = "table";
};

std::string Fixed(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Opt(const char* format, const std::optional<double>& v) {
  return v ? Fixed(format, *v) : "";
}

std::string Latency(const LeaderboardEntry& e) {
  return e.best ? Fixed("%.4f", e.best->event_ms.median) : "-";
}

std::string Roofline(const LeaderboardEntry& e) {
  if (!e.best || !e.best->roofline_fraction) return "-";
  return Fixed("%.0f%%", *e.best->roofline_fraction * 100);
}

std::string By(const LeaderboardEntry& e) {
  if (!e.best) return "-";
  return e.best->proposer + (e.best->model ? " " + *e.best->model : "");
}

std::string Cost(const LeaderboardEntry& e) {
  if (e.llm_calls == 0) return "-";
  return Fixed("$%.2f", e.cost_usd) + (e.unpriced_llm_calls > 0 ? "+" : "");
}

std::string BaselineText(const LeaderboardEntry& e) {
  if (!e.best || !e.best->baseline_speedup) return "-";
  return SpeedupText(e.best->baseline_speedup);
}

// The winner over the task's PyTorch equivalent, or why there is no figure.
std::string TorchText(const LeaderboardEntry& e, const std::optional<TorchBaselineRecord>& torch,
                      const std::optional<Speedup> LeaderboardBest::*speedup) {
  if (!torch) return "-";
  if (!torch->event_ms) return "error";
  if (!e.best || !((*e.best).*speedup)) return "-";
  return SpeedupText((*e.best).*speedup);
}

std::string EagerText(const LeaderboardEntry& e) {
  return TorchText(e, e.torch_eager, &LeaderboardBest::eager_speedup);
}

std::string CompileText(const LeaderboardEntry& e) {
  return TorchText(e, e.torch_compile, &LeaderboardBest::compile_speedup);
}

std::string Sanitized(const LeaderboardEntry& e) {
  if (!e.best) return "-";
  return e.best->sanitized ? "yes" : "no";
}

std::string TaskLabel(const LeaderboardEntry& e, const Leaderboard& board) {
  // Several versions of one task on the board: name them by hash.
  int versions = 0;
  for (const auto& other : board.entries) {
    versions += other.suite == e.suite && other.task == e.task && other.device == e.device;
  }
  return versions > 1 ? e.task + "@" + e.task_hash.substr(0, 8) : e.task;
}

std::string FastPText(const std::vector<FastP>& fast_p) {
  std::string out;
  for (const FastP& fp : fast_p) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%sfast_%g %.2f", out.empty() ? "" : "  ", fp.p, fp.fraction);
    out += buf;
  }
  return out;
}

std::string GeoMeanText(const SuiteSummary& s) {
  std::string out = s.geomean_speedup
                        ? Fixed("%.2fx", *s.geomean_speedup) + " over the reference (" +
                              std::to_string(s.geomean_speedup_tasks) + ")"
                        : "no speedup yet";
  if (s.geomean_baseline_speedup) {
    out += ", " + Fixed("%.2fx", *s.geomean_baseline_speedup) + " over the baseline (" +
           std::to_string(s.geomean_baseline_tasks) + ")";
  }
  return out;
}

// "over PyTorch eager (3 tasks): fast_1 0.67 ... geomean 1.42x", or "" when none was measured.
std::string TorchSummaryText(const char* what, const SpeedupSummary& s) {
  if (s.tasks == 0) return "";
  return std::string("  over ") + what + " (" + std::to_string(s.tasks) + " task" +
         (s.tasks == 1 ? "" : "s") + "): " + FastPText(s.fast_p) + "  geomean " +
         (s.geomean ? Fixed("%.2fx", *s.geomean) : std::string("-")) + "\n";
}

void PrintSuspiciousNotes(const Leaderboard& board) {
  for (const auto& e : board.entries) {
    if (e.suspicious_excluded == 0) continue;
    Print(
        "note: %s on %s: %lld faster result%s set aside as suspicious (faster than the "
        "roofline allows); `kopt eval --force` rechecks\n",
        e.task.c_str(), e.device.c_str(), static_cast<long long>(e.suspicious_excluded),
        e.suspicious_excluded == 1 ? "" : "s");
  }
}

void PrintTable(const Leaderboard& board) {
  Table table({{"suite", 8},
               {"task", 24},
               {"GPU", 26},
               {"ms", 10, true},
               {"vs reference", 22},
               {"vs baseline", 20},
               {"vs torch eager", 20},
               {"vs torch.compile", 20},
               {"roofline", 8, true},
               {"sanitized", 9},
               {"by", 22},
               {"cost", 8, true},
               {"cand", 6, true}});
  for (const auto& e : board.entries) {
    std::string cand = e.best ? std::to_string(e.best->candidate_id) : "-";
    std::string reference = e.best ? SpeedupText(e.best->speedup)
                                   : "none correct (" + std::to_string(e.kernels) + " tried)";
    table.Add({e.suite, TaskLabel(e, board), FirstLine(e.device, 26), Latency(e), reference,
               BaselineText(e), EagerText(e), CompileText(e), Roofline(e), Sanitized(e),
               FirstLine(By(e), 22), Cost(e), cand});
  }
  Print("%s", table.Aligned().c_str());
  PrintSuspiciousNotes(board);
  for (const auto& s : board.summaries) {
    Print("\nsuite %s on %s: %d task%s, %d with a correct kernel\n  %s\n  geomean %s\n",
          s.suite.c_str(), s.device.c_str(), s.tasks, s.tasks == 1 ? "" : "s", s.correct,
          FastPText(s.fast_p).c_str(), GeoMeanText(s).c_str());
    Print("%s%s", TorchSummaryText("PyTorch eager", s.over_eager).c_str(),
          TorchSummaryText("torch.compile", s.over_compile).c_str());
    if (s.cost_usd > 0) Print("  LLM cost $%.2f\n", s.cost_usd);
  }
}

void PrintMarkdown(const Leaderboard& board) {
  Table table({{"suite"},
               {"task"},
               {"GPU"},
               {"ms"},
               {"vs reference"},
               {"vs baseline"},
               {"vs torch eager"},
               {"vs torch.compile"},
               {"roofline"},
               {"sanitized"},
               {"by"},
               {"cost"},
               {"candidate"}});
  for (const auto& e : board.entries) {
    std::string reference = e.best ? SpeedupText(e.best->speedup) : "no correct kernel";
    std::string cand = e.best ? std::to_string(e.best->candidate_id) : "-";
    table.Add({e.suite, TaskLabel(e, board), e.device, Latency(e), reference, BaselineText(e),
               EagerText(e), CompileText(e), Roofline(e), Sanitized(e), By(e), Cost(e), cand});
  }
  Print("%s", table.Markdown().c_str());
  if (!board.summaries.empty()) {
    std::vector<Column> columns = {{"suite"}, {"GPU"}, {"tasks"}, {"correct"}};
    for (double p : kFastPThresholds) columns.push_back({Fixed("fast_%g", p)});
    for (const char* over : {"reference", "baseline", "torch eager", "torch.compile"}) {
      columns.push_back({std::string("geomean vs ") + over});
    }
    Table suites(columns);
    for (const auto& s : board.summaries) {
      std::vector<std::string> row = {s.suite, s.device, std::to_string(s.tasks),
                                      std::to_string(s.correct)};
      for (const FastP& fp : s.fast_p) row.push_back(Fixed("%.2f", fp.fraction));
      for (const auto& geomean : {s.geomean_speedup, s.geomean_baseline_speedup,
                                  s.over_eager.geomean, s.over_compile.geomean}) {
        row.push_back(Opt("%.2fx", geomean));
      }
      suites.Add(std::move(row));
    }
    Print("\n%s", suites.Markdown().c_str());
  }
  for (const auto& e : board.entries) {
    if (e.suspicious_excluded > 0) {
      Print("\n%s on %s: %lld suspicious result(s) set aside.\n", e.task.c_str(), e.device.c_str(),
            static_cast<long long>(e.suspicious_excluded));
    }
  }
}

void AddSpeedup(std::vector<std::string>& row, const std::optional<Speedup>& s) {
  for (double v : {s ? s->value : 0, s ? s->low : 0, s ? s->high : 0}) {
    row.push_back(s ? Fixed("%.6g", v) : "");
  }
}

std::string CsvTorchMedian(const std::optional<TorchBaselineRecord>& torch) {
  return torch && torch->event_ms ? Fixed("%.6g", torch->event_ms->median) : "";
}

// One row per task and GPU; the suite summaries are in the other formats.
void PrintCsv(const Leaderboard& board) {
  std::vector<Column> columns;
  for (const char* name : {"suite",
                           "task",
                           "task_hash",
                           "device",
                           "candidate_id",
                           "evaluation_id",
                           "median_ms",
                           "p10_ms",
                           "p90_ms",
                           "n",
                           "reference_median_ms",
                           "speedup",
                           "speedup_low",
                           "speedup_high",
                           "baseline",
                           "baseline_median_ms",
                           "baseline_speedup",
                           "baseline_speedup_low",
                           "baseline_speedup_high",
                           "roofline_fraction",
                           "sanitized",
                           "proposer",
                           "model",
                           "eager_median_ms",
                           "eager_speedup",
                           "eager_speedup_low",
                           "eager_speedup_high",
                           "compile_median_ms",
                           "compile_speedup",
                           "compile_speedup_low",
                           "compile_speedup_high",
                           "torch_version",
                           "cost_usd",
                           "llm_calls",
                           "kernels",
                           "correct_kernels",
                           "suspicious_excluded"}) {
    columns.push_back({name});
  }
  Table table(columns);
  for (const auto& e : board.entries) {
    std::vector<std::string> row = {e.suite, e.task, e.task_hash, e.device};
    const auto& b = e.best;
    if (b) {
      row.insert(row.end(), {std::to_string(b->candidate_id), std::to_string(b->evaluation_id),
                             Fixed("%.6g", b->event_ms.median), Fixed("%.6g", b->event_ms.p10),
                             Fixed("%.6g", b->event_ms.p90), std::to_string(b->event_ms.n),
                             Opt("%.6g", b->reference_median_ms)});
      AddSpeedup(row, b->speedup);
      row.insert(row.end(), {b->baseline_name.value_or(""), Opt("%.6g", b->baseline_median_ms)});
      AddSpeedup(row, b->baseline_speedup);
      row.insert(row.end(), {Opt("%.6g", b->roofline_fraction), b->sanitized ? "1" : "0",
                             b->proposer, b->model.value_or("")});
    } else {
      row.resize(row.size() + 19);  // the 19 fields of the winner
    }
    const auto& version = e.torch_eager ? e.torch_eager : e.torch_compile;
    row.push_back(CsvTorchMedian(e.torch_eager));
    AddSpeedup(row, b ? b->eager_speedup : std::nullopt);
    row.push_back(CsvTorchMedian(e.torch_compile));
    AddSpeedup(row, b ? b->compile_speedup : std::nullopt);
    row.insert(row.end(),
               {version ? version->torch_version : "", Fixed("%.6g", e.cost_usd),
                std::to_string(e.llm_calls), std::to_string(e.kernels),
                std::to_string(e.correct_kernels), std::to_string(e.suspicious_excluded)});
    table.Add(std::move(row));
  }
  Print("%s", table.Csv().c_str());
}

int RunLeaderboard(LeaderboardOptions o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  if (o.run_id > 0) o.filter.run_id = o.run_id;
  Leaderboard board = QueryLeaderboard(*store, o.filter);
  if (o.format == "json") {
    PrintJson(ToJson(board));
  } else if (o.format == "csv") {
    PrintCsv(board);
  } else if (board.entries.empty()) {
    Print("no evaluations in %s match\n", global.db_path.c_str());
  } else if (o.format == "markdown") {
    PrintMarkdown(board);
  } else {
    PrintTable(board);
  }
  return kExitOk;
}

}  // namespace

CommandRunner SetupLeaderboard(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<LeaderboardOptions>();
  cmd->add_option("--suite", options->filter.suite, "Only this suite");
  cmd->add_option("--task", options->filter.task, "Only this task (a name or a hash prefix)");
  cmd->add_option("--gpu", options->filter.gpu, "Only GPUs whose name contains this (any case)");
  cmd->add_option("--run", options->run_id, "Only evaluations recorded by this run")
      ->check(Positive());
  cmd->add_option("--format", options->format, "table, json, csv or markdown")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  return [&global, options] { return RunLeaderboard(*options, global); };
}

}  // namespace kopt::cli
