// SPDX-License-Identifier: Apache-2.0
#include "report/html_report.h"

#include "core/sha256.h"
#include "report/html_text.h"
#include "report/svg_chart.h"

#include <cmath>

namespace kopt {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}"
    "table{border-collapse:collapse;margin:8px 0 16px}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "section.task{border-top:2px solid #ccc;margin-top:24px}"
    ".charts{display:flex;flex-wrap:wrap;gap:16px}"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}"
    "pre.diff span{display:block}pre.diff .add{background:#e6ffe6}pre.diff .del{background:#ffe6e6}"
    "rect.bar{fill:#2a6fdb}rect.bar.fail{fill:#d9534f}rect.bar.ok{fill:#3c9d5d}"
    ".muted{color:#777}";

constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(const std::string& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 2]);
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kDigits[n & 63] : '=';
  }
  return out;
}

std::string HexToBytes(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

std::string Times(const std::optional<Speedup>& s) {
  if (!s) return "-";
  return Printf("%.2fx (%.2f-%.2f)", s->value, s->low, s->high);
}
std::string Times(const std::optional<double>& x) { return x ? Printf("%.2fx", *x) : "-"; }
std::string Ms(const std::optional<double>& x) { return x ? Printf("%.4f ms", *x) : "-"; }
std::string Pct(const std::optional<double>& x) { return x ? Printf("%.0f%%", *x * 100) : "-"; }

std::string Cell(const std::string& escaped, bool number = false) {
  return std::string(number ? "<td class=\"num\">" : "<td>") + escaped + "</td>";
}

std::string Anchor(const LeaderboardEntry& e) {
  return "task-" + e.task_hash.substr(0, 12) + "-" + Sha256Hex(e.device).substr(0, 6);
}

std::string LeaderboardTable(const Leaderboard& board) {
  std::string h =
      "<table class=\"leaderboard\"><thead><tr><th>suite</th><th>task</th><th>GPU</th>"
      "<th>best by</th><th>latency</th><th>vs reference</th><th>vs vendor</th>"
      "<th>vs torch eager</th><th>vs torch.compile</th><th>roofline</th><th>sanitizer</th>"
      "<th>correct</th><th>LLM cost</th></tr></thead><tbody>";
  for (const LeaderboardEntry& e : board.entries) {
    const auto& b = e.best;
    h += "<tr>" + Cell(Escape(e.suite)) + "<td><a href=\"#" + Anchor(e) + "\">" + Escape(e.task) +
         "</a></td>" + Cell(Escape(e.device));
    if (b) {
      h += Cell(Escape(b->proposer)) + Cell(Ms(b->event_ms.median), true) +
           Cell(Times(b->speedup), true) + Cell(Times(b->baseline_speedup), true) +
           Cell(Times(b->eager_speedup), true) + Cell(Times(b->compile_speedup), true) +
           Cell(Pct(b->roofline_fraction), true) + Cell(b->sanitized ? "clean" : "not run");
    } else {
      h += "<td colspan=\"8\" class=\"muted\">no correct kernel yet</td>";
    }
    h += Cell(Printf("%lld/%lld", static_cast<long long>(e.correct_kernels),
                     static_cast<long long>(e.kernels)),
              true) +
         Cell(Printf("$%.2f", e.cost_usd), true) + "</tr>";
  }
  return h + "</tbody></table>";
}

std::string SummaryTable(const Leaderboard& board) {
  std::string h =
      "<table class=\"summary\"><thead><tr><th>suite</th><th>GPU</th><th>tasks</th>"
      "<th>correct</th><th>fast_1</th><th>fast_2</th><th>geomean vs reference</th>"
      "<th>vs torch eager</th><th>vs torch.compile</th><th>LLM cost</th></tr></thead><tbody>";
  for (const SuiteSummary& s : board.summaries) {
    auto fast = [&](std::size_t i) {
      return i < s.fast_p.size() ? Printf("%.0f%%", s.fast_p[i].fraction * 100) : "-";
    };
    h += "<tr>" + Cell(Escape(s.suite)) + Cell(Escape(s.device)) +
         Cell(Printf("%d", s.tasks), true) + Cell(Printf("%d", s.correct), true) +
         Cell(fast(0), true) + Cell(fast(2), true) + Cell(Times(s.geomean_speedup), true) +
         Cell(Times(s.over_eager.geomean), true) + Cell(Times(s.over_compile.geomean), true) +
         Cell(Printf("$%.2f", s.cost_usd), true) + "</tr>";
  }
  return h + "</tbody></table>";
}

std::string CounterDeltas(const LineageStep& step) {
  if (!step.counters) return "";
  struct Row {
    const char* name;
    std::optional<double> ProfileFields::*field;
  };
  static const Row kRows[] = {{"DRAM throughput %", &ProfileFields::dram_pct},
                              {"SM throughput %", &ProfileFields::sm_pct},
                              {"achieved occupancy %", &ProfileFields::occupancy_pct},
                              {"L2 hit %", &ProfileFields::l2_hit_pct},
                              {"issue slots %", &ProfileFields::issue_pct},
                              {"sectors per load", &ProfileFields::sectors_per_load}};
  std::string h =
      "<table class=\"counters\"><thead><tr><th>counter</th><th>before</th><th>after</th></tr>"
      "</thead><tbody>";
  for (const Row& r : kRows) {
    const std::optional<double>& after = (*step.counters).*r.field;
    if (!after) continue;
    std::optional<double> before;
    if (step.previous_counters) before = (*step.previous_counters).*r.field;
    h += "<tr>" + Cell(r.name) + Cell(before ? Printf("%.1f", *before) : "-", true) +
         Cell(Printf("%.1f", *after), true) + "</tr>";
  }
  return h + "</tbody></table>";
}

std::string Lineage(const TaskSection& t) {
  if (t.lineage.empty()) return "<p class=\"muted\">The winner is a root kernel: no steps.</p>";
  std::string h = "<ol class=\"lineage\">";
  for (const LineageStep& s : t.lineage) {
    h += "<li><b>" + Escape(s.option) + "</b> <span class=\"muted\">(" + Escape(s.proposer) +
         ")</span>: " + Escape(Times(s.gain)) + " over its parent, " + Escape(Ms(s.latency_ms)) +
         ", " + Escape(Times(s.speedup)) + " over the reference";
    if (!s.plan.empty()) h += "<pre class=\"plan\">" + Escape(s.plan) + "</pre>";
    h += CounterDeltas(s);
    if (!s.diff.empty()) {
      h += "<pre class=\"diff\">";
      for (const DiffLine& d : s.diff) {
        const char* cls = d.op == '+' ? "add" : d.op == '-' ? "del" : "ctx";
        h += std::string("<span class=\"") + cls + "\">" + std::string(1, d.op) + " " +
             Escape(d.text) + "</span>";
      }
      h += "</pre>";
    }
    h += "</li>";
  }
  return h + "</ol>";
}

std::string TaskPart(const TaskSection& t) {
  const LeaderboardEntry& e = t.entry;
  std::string h = "<section class=\"task\" id=\"" + Anchor(e) + "\"><h2>" + Escape(e.suite) + "/" +
                  Escape(e.task) + " on " + Escape(e.device) + "</h2>";
  std::vector<std::pair<double, double>> by_kernels, by_dollars;
  for (const ProgressPoint& p : t.progress) {
    by_kernels.emplace_back(p.kernels, p.best_ms);
    by_dollars.emplace_back(p.dollars, p.best_ms);
  }
  std::vector<Bar> mix;
  for (const auto& [status, n] : t.statuses) {
    mix.push_back(
        {status, static_cast<double>(n), Printf("%d", n), status == "correct" ? "ok" : "fail"});
  }
  std::vector<Bar> roofline;
  for (const RooflinePoint& r : t.roofline) {
    roofline.push_back({Printf("#%lld ", static_cast<long long>(r.candidate_id)) + r.proposer,
                        r.fraction, Printf("%.0f%% ", r.fraction * 100) + r.bound, ""});
  }
  bool spent = !t.progress.empty() && t.progress.back().dollars > 0;
  h += "<div class=\"charts\">" +
       StepChart(by_kernels, {"best latency against kernels evaluated", "kernels evaluated",
                              "best ms", "progress-kernels"});
  if (spent) {
    h += StepChart(by_dollars, {"best latency against LLM dollars", "LLM dollars", "best ms",
                                "progress-dollars"});
  }
  h += BarChart(mix, 0, {"evaluations by status", "", "", "failure-mix"});
  if (!roofline.empty()) {
    h += BarChart(roofline, 1, {"roofline fraction of the fastest kernels", "", "", "roofline"});
  }
  h += "</div>";
  if (!spent) h += "<p class=\"muted\">No priced LLM spending recorded for this task.</p>";
  if (roofline.empty()) h += "<p class=\"muted\">No roofline fraction recorded for this task.</p>";
  if (e.best && !e.best->launch_variant.empty()) {
    h += "<p class=\"variant\">At the timed size the winner ran its launch " +
         Escape(e.best->launch_variant) + ".</p>";
  }
  h += "<h3>How the winner was reached</h3>" + Lineage(t);
  return h + "</section>";
}

std::string RunsTable(const std::vector<RunSection>& runs) {
  std::string h =
      "<table class=\"runs\"><thead><tr><th>run</th><th>started</th><th>status</th>"
      "<th>GPU</th><th>evaluations</th><th>correct</th><th>LLM calls</th><th>tokens in/out</th>"
      "<th>dollars</th><th>GPU time</th></tr></thead><tbody>";
  for (const RunSection& r : runs) {
    const RunSummary& s = r.summary;
    h += "<tr>" + Cell(Printf("%lld", static_cast<long long>(s.run.id)), true) +
         Cell(Escape(s.run.started_at)) + Cell(Escape(s.run.status)) +
         Cell(Escape(s.run.info.device)) +
         Cell(Printf("%lld", static_cast<long long>(s.evaluations)), true) +
         Cell(Printf("%lld", static_cast<long long>(s.correct)), true) +
         Cell(Printf("%lld", static_cast<long long>(s.llm_calls)), true) +
         Cell(Printf("%lld / %lld", static_cast<long long>(r.input_tokens),
                     static_cast<long long>(r.output_tokens)),
              true) +
         Cell(Printf("$%.4f", s.cost_usd), true) + Cell(Printf("%.1f s", r.gpu_s), true) + "</tr>";
  }
  return h + "</tbody></table>";
}

}  // namespace

std::string ReportContentSecurityPolicy(const std::string& stylesheet) {
  return "default-src 'none'; style-src 'sha256-" + Base64(HexToBytes(Sha256Hex(stylesheet))) +
         "'; img-src data:; base-uri 'none'; form-action 'none'";
}

std::string RenderReport(const ReportData& data) {
  std::string scope = data.filter.suite.empty() ? "every suite" : "suite " + data.filter.suite;
  if (data.filter.run_id)
    scope += Printf(", run %lld", static_cast<long long>(*data.filter.run_id));
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
       Escape(ReportContentSecurityPolicy(kStyle)) + "\">";
  h += "<title>kopt report</title><style>" + std::string(kStyle) + "</style></head><body>";
  h += "<h1>kopt report</h1><p class=\"muted\">" + Escape(data.db_path) + ", " + Escape(scope) +
       ". Speedups are medians with their noise band; forward kernels only.</p>";
  h += "<h2>Leaderboard</h2>" + LeaderboardTable(data.board) + SummaryTable(data.board);
  h += "<h2>Runs</h2>" + RunsTable(data.runs);
  for (const TaskSection& t : data.tasks) h += TaskPart(t);
  return h + "</body></html>\n";
}

}  // namespace kopt
