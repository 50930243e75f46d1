// SPDX-License-Identifier: Apache-2.0
#include "results/menu_stats.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

namespace kopt {
namespace {

// Every LLM-written kernel with its latest evaluation on each GPU and its parent's latest on the
// same GPU; with ?1, only what runs before run ?1 recorded. The op class is read from the stored
// task.json.
constexpr const char* kRows = R"sql(
WITH recorded AS (
  SELECT * FROM evaluations WHERE ?1 IS NULL OR run_id < ?1),
latest AS (
  SELECT e.task_id, e.eval_key, e.device, e.status, e.event_median_ms
  FROM recorded e
  WHERE e.id = (SELECT max(l.id) FROM recorded l
                WHERE l.task_id = e.task_id AND l.eval_key = e.eval_key AND l.device = e.device))
SELECT coalesce(c.menu_option_id, ''), t.task_json, k.device, coalesce(c.model, ''), c.task_id,
       coalesce(c.parent_id, 0), coalesce(c.plan, ''), k.status, k.event_median_ms,
       p.event_median_ms
FROM candidates c
JOIN tasks t ON t.id = c.task_id
JOIN latest k ON k.task_id = c.task_id AND k.eval_key = c.eval_key
LEFT JOIN candidates parent ON parent.id = c.parent_id
LEFT JOIN latest p ON p.task_id = c.task_id AND p.eval_key = parent.eval_key
                  AND p.device = k.device AND p.status = 'correct'
WHERE c.proposer = 'llm' AND (?1 IS NULL OR c.run_id < ?1)
)sql";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

using Key =
    std::tuple<std::string, std::string, std::string, std::string>;  // class, GPU, model, option

struct Fold {
  std::set<std::tuple<std::int64_t, std::int64_t, std::string>> plans;
  MenuOptionStats stats;
  std::vector<double> gains;
};

}  // namespace

std::vector<MenuOptionStats> QueryMenuStats(Store& store, const MenuStatsFilter& filter) {
  std::map<Key, Fold> folds;
  std::map<std::string, std::string> op_class_of;  // task.json text -> op class
  store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(kRows);
    q->BindAll(filter.before_run);
    while (q->Step()) {
      std::string option = q->Text(0).empty() ? "invented" : q->Text(0);
      std::string task_json = q->Text(1);
      auto known = op_class_of.find(task_json);
      if (known == op_class_of.end()) {
        // Only the op class is needed: read it alone, so a task.json of an older kopt still counts.
        nlohmann::json j = nlohmann::json::parse(task_json, nullptr, /*allow_exceptions=*/false);
        std::string op_class;
        if (j.is_object() && j.contains("op_class") && j["op_class"].is_string()) {
          op_class = j["op_class"].get<std::string>();
        }
        known = op_class_of.emplace(task_json, op_class.empty() ? "unknown" : op_class).first;
      }
      const std::string& op_class = known->second;
      std::string device = q->Text(2), model = q->Text(3);
      if ((!filter.op_class.empty() && op_class != filter.op_class) ||
          (!filter.gpu.empty() && Lower(device).find(Lower(filter.gpu)) == std::string::npos) ||
          (!filter.model.empty() && model != filter.model)) {
        continue;
      }
      Fold& f = folds[{op_class, device, model, option}];
      f.stats.option = option;
      f.stats.op_class = op_class;
      f.stats.device = device;
      f.stats.model = model;
      f.plans.insert({q->Int(4), q->Int(5), q->Text(6)});
      ++f.stats.kernels;
      std::string status = q->Text(7);
      f.stats.compiled += status != "compile_error";
      if (status != "correct") continue;
      ++f.stats.correct;
      std::optional<double> mine = q->OptReal(8), parent = q->OptReal(9);
      if (mine && parent && *mine > 0) {
        f.gains.push_back(*parent / *mine);
        f.stats.improved += *mine < *parent;
      }
    }
    return 0;
  });
  std::vector<MenuOptionStats> out;
  for (auto& [key, f] : folds) {
    f.stats.planned = static_cast<int>(f.plans.size());
    if (!f.gains.empty()) f.stats.median_gain = Median(f.gains);
    out.push_back(f.stats);
  }
  std::stable_sort(out.begin(), out.end(), [](const MenuOptionStats& a, const MenuOptionStats& b) {
    return std::tie(a.op_class, a.device, a.model, b.kernels, a.option) <
           std::tie(b.op_class, b.device, b.model, a.kernels, b.option);
  });
  return out;
}

nlohmann::json ToJson(const MenuOptionStats& s) {
  return {{"option", s.option},
          {"op_class", s.op_class},
          {"device", s.device},
          {"model", s.model},
          {"planned", s.planned},
          {"kernels", s.kernels},
          {"compiled", s.compiled},
          {"correct", s.correct},
          {"improved", s.improved},
          {"median_gain", s.median_gain ? nlohmann::json(*s.median_gain) : nlohmann::json()}};
}

}  // namespace kopt
