// SPDX-License-Identifier: Apache-2.0
// `kopt menus [--menu FILE] [--op-class C] [--arch A] [--bound B] [--format table|json]`: lists
// and validates optimization menus. With --stats, what the store says of each option instead
// (results/menu_stats.h): how often it was planned, compiled, correct, and beat its parent.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/store_access.h"
#include "cli/table.h"
#include "cli/task_lookup.h"
#include "prompts/menu.h"
#include "results/menu_stats.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace kopt::cli {
namespace {

struct MenusOptions {
  std::string menu;
  std::string op_class;
  std::string arch;
  std::string bound;
  std::string format = "table";
  bool stats = false;
  std::string gpu;    // --stats only
  std::string model;  // --stats only
};

std::string Percent(int part, int whole) {
  if (whole == 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * part / whole);
  return buf;
}

int RunMenuStats(const MenusOptions& o, const GlobalOptions& global) {
  std::unique_ptr<Store> store = OpenStoreForReading(global);
  std::vector<MenuOptionStats> stats = QueryMenuStats(*store, {o.op_class, o.gpu, o.model});
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : stats) j.push_back(ToJson(s));
    PrintJson(j);
    return kExitOk;
  }
  if (stats.empty()) {
    Print("no LLM-written kernels in %s yet\n", global.db_path.c_str());
    return kExitOk;
  }
  Table table({{"op class", 14},
               {"GPU", 22},
               {"model", 24},
               {"option", 28},
               {"planned", 7, true},
               {"kernels", 7, true},
               {"compiled", 8, true},
               {"correct", 7, true},
               {"improved", 8, true},
               {"median gain", 11, true}});
  for (const auto& s : stats) {
    char gain[32] = "-";
    if (s.median_gain) std::snprintf(gain, sizeof gain, "%.2fx", *s.median_gain);
    table.Add({s.op_class, s.device.substr(0, 22), s.model.substr(0, 24), s.option,
               std::to_string(s.planned), std::to_string(s.kernels), Percent(s.compiled, s.kernels),
               Percent(s.correct, s.kernels), Percent(s.improved, s.kernels), gain});
  }
  Print("%s", table.Aligned().c_str());
  return kExitOk;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

int RunMenus(const MenusOptions& o) {
  std::vector<std::string> files;
  if (o.menu.empty()) {
    files = MenuFiles((std::filesystem::path(DataDir()) / "menus").string());
    if (files.empty()) throw ConfigError(DataDir() + "/menus: no menu files");
  } else {
    files.push_back(FindMenuFile(o.menu, DataDir()));
  }
  MenuFilter filter;
  filter.op_class = o.op_class;
  filter.arch = o.arch;
  if (!o.arch.empty()) ArchTagMatches("all", o.arch);  // rejects a malformed --arch early
  if (!o.bound.empty()) filter.bounds.push_back(*ParseMenuBound(o.bound));

  nlohmann::json all = nlohmann::json::array();
  for (const auto& file : files) {
    Menu menu = LoadMenu(file);
    std::vector<MenuEntry> entries = FilterMenu(menu, filter);
    if (o.format == "json") {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : entries) {
        list.push_back({{"id", e.id},
                        {"title", e.title},
                        {"text", e.text},
                        {"op_classes", e.op_classes},
                        {"archs", e.archs},
                        {"bound", MenuBoundName(e.bound)}});
      }
      all.push_back({{"file", file},
                     {"name", menu.name},
                     {"description", menu.description},
                     {"entries", menu.entries.size()},
                     {"shown", list}});
      continue;
    }
    Print("%s: menu '%s', %zu entries, valid", file.c_str(), menu.name.c_str(),
          menu.entries.size());
    if (entries.size() != menu.entries.size()) Print(" (%zu shown)", entries.size());
    Table table({{"id", 28}, {"bound", 8}, {"archs", 8}, {"title", 44}, {"op classes"}});
    for (const auto& e : entries) {
      table.Add(
          {e.id, std::string(MenuBoundName(e.bound)), Join(e.archs), e.title, Join(e.op_classes)});
    }
    Print("\n%s", table.Aligned().c_str());
  }
  if (o.format == "json") PrintJson(all);
  return kExitOk;
}

}  // namespace

CommandRunner SetupMenus(CLI::App* cmd, GlobalOptions& global) {
  auto options = std::make_shared<MenusOptions>();
  cmd->add_option("--menu", options->menu,
                  "Only this menu (a file, or a name under the data folder's menus/)");
  cmd->add_option("--op-class", options->op_class, "Only entries for this op class (e.g. gemm)");
  cmd->add_option("--arch", options->arch, "Only entries for this target (e.g. sm_90a)");
  cmd->add_option("--bound", options->bound, "Only entries for this bound (and 'any')")
      ->check(CLI::IsMember({"memory", "compute", "latency"}));
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--stats", options->stats,
                "What the store (--db) says of each option: planned, compiled, correct, improved");
  cmd->add_option("--gpu", options->gpu, "With --stats: a GPU whose name contains this");
  cmd->add_option("--model", options->model, "With --stats: one model");
  return [options, &global] {
    if (options->stats) return RunMenuStats(*options, global);
    if (!options->gpu.empty() || !options->model.empty()) {
      throw ConfigError("kopt menus: --gpu and --model go with --stats");
    }
    return RunMenus(*options);
  };
}

}  // namespace kopt::cli
