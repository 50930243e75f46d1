// SPDX-License-Identifier: Apache-2.0
#include "results/export.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace kopt {
namespace {

constexpr std::string_view kOpen = "/*@kopt";
constexpr std::string_view kClose = "@kopt*/";

std::string Format(const char* format, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

// The source with every tunable's chosen value moved to the front of its list (the default).
std::string WithChosenDefaults(const std::string& source, const TunableChoice& choice) {
  if (choice.empty()) return source;
  LaunchBlock block;
  try {
    block = ParseLaunchBlock(source, "candidate.cu");
  } catch (const ConfigError&) {
    return source;
  }
  for (auto& [name, values] : block.tunables) {
    auto chosen = choice.find(name);
    if (chosen == choice.end()) continue;
    auto it = std::find(values.begin(), values.end(), chosen->second);
    if (it != values.end()) std::rotate(values.begin(), it, it + 1);
  }
  std::size_t open = source.find(kOpen);
  std::size_t close = source.find(kClose, open);
  return source.substr(0, open) + std::string(kOpen) + "\n" + LaunchBlockToJson(block).dump(2) +
         "\n" + source.substr(close);
}

std::string PrintableAscii(std::string text) {
  for (char& c : text) {
    if (c < 0x20 || c > 0x7e) c = ' ';
  }
  return text;
}

}  // namespace

std::string DeviceSlug(const std::string& device) {
  std::string name = device;
  if (name.rfind("NVIDIA ", 0) == 0) name = name.substr(7);
  std::string slug;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug.empty() ? "gpu" : slug;
}

std::vector<ExportItem> ExportItems(Store& store, const LeaderboardFilter& filter) {
  Leaderboard board = QueryLeaderboard(store, filter);
  std::map<std::pair<std::string, std::string>, std::set<std::string>> versions;
  std::map<std::pair<std::string, std::string>, int> gpus;  // (suite, task hash) -> winners
  for (const auto& e : board.entries) {
    versions[{e.suite, e.task}].insert(e.task_hash);
    if (e.best) ++gpus[{e.suite, e.task_hash}];
  }
  std::vector<ExportItem> items;
  for (const auto& e : board.entries) {
    if (!e.best) continue;
    std::optional<CandidateRecord> candidate = store.GetCandidate(e.best->candidate_id);
    KOPT_CHECK(candidate.has_value());
    ExportItem item{e, *candidate, e.task, gpus[{e.suite, e.task_hash}] == 1,
                    ArchOfRun(store, e.best->run_id)};
    if (versions[{e.suite, e.task}].size() > 1) item.stem.append(".").append(e.task_hash, 0, 8);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<std::string> ExportHeader(const ExportItem& item) {
  const LeaderboardEntry& entry = item.entry;
  KOPT_CHECK(entry.best.has_value());
  const LeaderboardBest& b = *entry.best;
  const NewCandidate& c = item.candidate.candidate;
  std::string task = entry.suite.empty() ? entry.task : entry.suite + "/" + entry.task;
  std::vector<std::string> h;
  h.push_back("kopt export: the fastest correct kernel for " + task + " on " + entry.device);
  h.push_back("task version " + entry.task_hash.substr(0, 16) + "; kernel key " + c.key);
  h.push_back("candidate " + std::to_string(b.candidate_id) + " (" + b.proposer +
              (b.model ? ", " + *b.model : "") + "), evaluation " +
              std::to_string(b.evaluation_id) +
              (b.run_id ? ", run " + std::to_string(*b.run_id) : "") +
              (item.arch.empty() ? "" : "; compiled for " + item.arch));
  h.push_back(
      "median " +
      Format("%.4f ms (p10 %.4f, p90 %.4f", b.event_ms.median, b.event_ms.p10, b.event_ms.p90) +
      ", n " + std::to_string(b.event_ms.n) + ")" +
      (b.kernel_median_ms ? Format("; kernels %.4f ms", *b.kernel_median_ms) : ""));
  if (b.speedup) {
    h.push_back("over the reference" +
                (b.reference_median_ms ? Format(" (%.4f ms)", *b.reference_median_ms) : "") +
                Format(": %.3fx (noise band %.3f-%.3f)", b.speedup->value, b.speedup->low,
                       b.speedup->high));
  }
  if (b.baseline_speedup) {
    h.push_back("over " + b.baseline_name.value_or("the vendor baseline") +
                (b.baseline_median_ms ? Format(" (%.4f ms)", *b.baseline_median_ms) : "") +
                Format(": %.3fx (noise band %.3f-%.3f)", b.baseline_speedup->value,
                       b.baseline_speedup->low, b.baseline_speedup->high));
  }
  if (b.roofline_fraction) {
    h.push_back(Format("%.1f%% of the roofline", *b.roofline_fraction * 100) +
                (b.roofline_bound.empty() ? "" : " (" + b.roofline_bound + " bound)"));
  }
  if (c.plan) {
    std::string plan = *c.plan;
    if (plan.size() > 300) plan = plan.substr(0, 297) + "...";
    h.push_back("plan" + (c.menu_option_id ? " [" + *c.menu_option_id + "]" : "") + ": " + plan);
  }
  if (!c.tunables.empty()) {
    std::string list;
    for (const auto& [name, value] : c.tunables) list += " " + name + "=" + std::to_string(value);
    h.push_back("tunables" + list);
  }
  for (std::string& line : h) line = PrintableAscii(line);  // device names come from the store too
  return h;
}

std::string ExportText(const ExportItem& item) {
  std::string text;
  for (const std::string& line : ExportHeader(item)) text += "// " + line + "\n";
  const NewCandidate& c = item.candidate.candidate;
  if (!c.tunables.empty()) {
    text +=
        "// (the tunables' measured values are first in the launch block's lists: the "
        "default)\n";
  }
  std::string task =
      item.entry.suite.empty() ? item.entry.task : item.entry.suite + "/" + item.entry.task;
  text += "// evaluate again: kopt eval " + task + " THIS_FILE.cu\n";
  return text + WithChosenDefaults(c.source, c.tunables);
}

std::vector<ExportedKernel> ExportBest(Store& store, const LeaderboardFilter& filter,
                                       const std::string& out_dir) {
  std::vector<ExportItem> items = ExportItems(store, filter);
  std::filesystem::create_directories(out_dir);
  std::vector<ExportedKernel> out;
  for (const auto& item : items) {
    const LeaderboardBest& best = *item.entry.best;
    std::filesystem::path path =
        std::filesystem::path(out_dir) / (item.stem + "." + DeviceSlug(item.entry.device) + ".cu");
    std::ofstream file(path, std::ios::binary);
    file << ExportText(item);
    if (!file.flush()) throw Error(path.string() + ": cannot write the exported kernel");
    out.push_back(
        {path.string(), item.entry.task, item.entry.device, best.candidate_id, best.evaluation_id});
  }
  return out;
}

}  // namespace kopt
