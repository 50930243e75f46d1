// SPDX-License-Identifier: Apache-2.0
#include "prompts/menu.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "core/seed_mix.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace kopt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsLowerName(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "mem.vectorized_loads": dot-separated lower-case names.
bool IsEntryId(std::string_view id) {
  std::size_t start = 0;
  while (true) {
    std::size_t dot = id.find('.', start);
    if (!IsLowerName(id.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

struct ArchTarget {
  int cc = 0;             // 90 for sm_90
  bool specific = false;  // the "a" suffix
  bool or_newer = false;  // the "+" suffix (tags only)
};

std::optional<ArchTarget> ParseArch(std::string_view s, bool allow_plus) {
  if (s.substr(0, 3) != "sm_") return std::nullopt;
  s.remove_prefix(3);
  ArchTarget t;
  std::size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) {
    t.cc = t.cc * 10 + (s[digits] - '0');
    ++digits;
  }
  if (digits < 2 || digits > 3) return std::nullopt;
  std::string_view rest = s.substr(digits);
  if (rest == "a") {
    t.specific = true;
  } else if (rest == "+" && allow_plus) {
    t.or_newer = true;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  return t;
}

std::vector<std::string> TagList(const json& entry, const char* key, const JsonWhere& where,
                                 bool (*valid)(std::string_view), const char* expected) {
  const json& list = RequiredField(entry, key, where);
  RequireArray(list, where.Key(key));
  if (list.empty()) where.Key(key).Fail("needs at least one tag (\"all\" matches everything)");
  std::vector<std::string> tags;
  for (std::size_t i = 0; i < list.size(); ++i) {
    JsonWhere at = where.Key(key).Index(i);
    if (!list[i].is_string()) at.Fail("expected a string");
    std::string tag = list[i].get<std::string>();
    if (tag != kAllTag && !valid(tag)) at.Fail("'" + tag + "' is not " + expected);
    if (std::find(tags.begin(), tags.end(), tag) != tags.end()) at.Fail("'" + tag + "' repeats");
    tags.push_back(tag);
  }
  if (tags.size() > 1 && std::find(tags.begin(), tags.end(), kAllTag) != tags.end())
    where.Key(key).Fail("\"all\" must be the only tag");
  return tags;
}

bool IsArchTag(std::string_view tag) { return ParseArch(tag, true).has_value(); }

// A uniform double in [0, 1) from the top 53 bits.
double Unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }

}  // namespace

std::string_view MenuBoundName(MenuBound bound) {
  switch (bound) {
    case MenuBound::kAny:
      return "any";
    case MenuBound::kMemory:
      return "memory";
    case MenuBound::kCompute:
      return "compute";
    case MenuBound::kLatency:
      return "latency";
  }
  return "any";
}

std::optional<MenuBound> ParseMenuBound(std::string_view name) {
  for (MenuBound b :
       {MenuBound::kAny, MenuBound::kMemory, MenuBound::kCompute, MenuBound::kLatency}) {
    if (MenuBoundName(b) == name) return b;
  }
  return std::nullopt;
}

const MenuEntry* Menu::Find(std::string_view id) const {
  for (const auto& e : entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const MenuEntry& Menu::Invent() const {
  const MenuEntry* e = Find(kInventOptionId);
  KOPT_CHECK(e != nullptr);  // ParseMenu guarantees it
  return *e;
}

Menu ParseMenu(const std::string& text, const std::string& file) {
  JsonWhere root(file);
  json j = ParseJsonText(text, file);
  RejectUnknownKeys(j, root, {"schema_version", "name", "description", "entries"});
  std::int64_t version = RequiredInt(j, "schema_version", root);
  if (version != kMenuSchemaVersion) {
    root.Key("schema_version")
        .Fail("version " + std::to_string(version) + " is not supported (this kopt reads " +
              std::to_string(kMenuSchemaVersion) + ")");
  }
  Menu menu;
  menu.name = RequiredString(j, "name", root);
  menu.description = RequiredString(j, "description", root);
  const json& entries = RequiredField(j, "entries", root);
  RequireArray(entries, root.Key("entries"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    JsonWhere at = root.Key("entries").Index(i);
    const json& e = entries[i];
    RequireObject(e, at);
    MenuEntry entry;
    entry.id = RequiredString(e, "id", at);
    if (!IsEntryId(entry.id)) {
      at.Key("id").Fail("'" + entry.id +
                        "' is not an id (lower-case names joined by dots, e.g. "
                        "\"mem.vectorized_loads\")");
    }
    // From here on errors name the entry by its id too.
    JsonWhere where(file, "entries[" + std::to_string(i) + "] (" + entry.id + ")");
    if (const MenuEntry* first = menu.Find(entry.id)) {
      auto index = static_cast<std::size_t>(first - menu.entries.data());
      where.Key("id").Fail("duplicate id, also used by entries[" + std::to_string(index) + "]");
    }
    RejectUnknownKeys(e, where, {"id", "title", "text", "op_classes", "archs", "bound"});
    entry.title = RequiredString(e, "title", where);
    if (entry.title.empty()) where.Key("title").Fail("must not be empty");
    entry.text = RequiredString(e, "text", where);
    if (entry.text.find_first_not_of(" \t\r\n") == std::string::npos)
      where.Key("text").Fail("must say what to do and when it helps");
    entry.op_classes =
        TagList(e, "op_classes", where, IsLowerName, "an op class (a lower-case name)");
    entry.archs = TagList(e, "archs", where, IsArchTag,
                          "an arch tag (\"all\", \"sm_80+\", \"sm_90\" or \"sm_90a\")");
    std::string bound = RequiredString(e, "bound", where);
    std::optional<MenuBound> parsed = ParseMenuBound(bound);
    if (!parsed) {
      where.Key("bound").Fail("'" + bound + "' is not one of memory, compute, latency, any");
    }
    entry.bound = *parsed;
    menu.entries.push_back(std::move(entry));
  }
  if (!menu.Find(kInventOptionId)) {
    root.Key("entries").Fail("needs an entry with id \"invent\" (an optimization not listed)");
  }
  if (menu.entries.size() < 2) root.Key("entries").Fail("needs at least one entry besides invent");
  return menu;
}

Menu LoadMenu(const std::string& path) {
  if (!fs::is_regular_file(path)) throw ConfigError(path + ": no such menu file");
  Menu menu = ParseMenu(ReadFile(path), path);
  menu.file = path;
  return menu;
}

std::vector<std::string> MenuFiles(const std::string& dir) {
  if (!fs::is_directory(dir)) throw ConfigError(dir + ": no such menu folder");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string FindMenuFile(const std::string& spec, const std::string& data_dir) {
  if (fs::is_regular_file(spec)) return spec;
  fs::path named = fs::path(data_dir) / "menus" / spec;
  if (named.extension() != ".json") named += ".json";
  if (fs::is_regular_file(named)) return named.string();
  throw ConfigError("no menu '" + spec + "' (give a menu file or a name under " + data_dir +
                    "/menus; see `kopt menus`)");
}

bool ArchTagMatches(std::string_view tag, std::string_view arch) {
  std::optional<ArchTarget> target = ParseArch(arch, false);
  if (!target) throw ConfigError("'" + std::string(arch) + "' is not an arch like sm_90a");
  if (tag == kAllTag) return true;
  std::optional<ArchTarget> t = ParseArch(tag, true);
  if (!t) throw ConfigError("'" + std::string(tag) + "' is not an arch tag");
  if (t->or_newer) return target->cc >= t->cc;
  if (t->specific) return target->cc == t->cc && target->specific;
  return target->cc == t->cc;
}

std::vector<MenuEntry> FilterMenu(const Menu& menu, const MenuFilter& filter) {
  std::vector<MenuEntry> out;
  for (const auto& e : menu.entries) {
    bool keep = e.IsInvent();
    if (!keep) {
      bool op_ok = filter.op_class.empty() ||
                   std::any_of(e.op_classes.begin(), e.op_classes.end(),
                               [&](const auto& c) { return c == kAllTag || c == filter.op_class; });
      bool arch_ok = filter.arch.empty() ||
                     std::any_of(e.archs.begin(), e.archs.end(),
                                 [&](const auto& a) { return ArchTagMatches(a, filter.arch); });
      bool bound_ok =
          filter.bounds.empty() || e.bound == MenuBound::kAny ||
          std::find(filter.bounds.begin(), filter.bounds.end(), e.bound) != filter.bounds.end();
      keep = op_ok && arch_ok && bound_ok;
    }
    if (keep) out.push_back(e);
  }
  return out;
}

std::vector<MenuEntry> DropoutMenu(const std::vector<MenuEntry>& entries,
                                   const DropoutOptions& options) {
  if (!(options.keep_probability >= 0 && options.keep_probability <= 1)) {
    throw ConfigError("menu dropout: the keep probability must be in [0, 1], got " +
                      std::to_string(options.keep_probability));
  }
  for (const auto& [id, p] : options.keep_by_option) {
    if (!(p >= 0 && p <= 1)) {
      throw ConfigError("menu dropout: the keep probability of '" + id +
                        "' must be in [0, 1], got " + std::to_string(p));
    }
  }
  std::set<std::string, std::less<>> forced(options.forced.begin(), options.forced.end());
  for (const auto& id : forced) {
    bool found =
        std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.id == id; });
    if (!found) throw ConfigError("menu dropout: forced option '" + id + "' is not in the menu");
  }
  std::vector<double> draw(entries.size());
  std::vector<bool> keep(entries.size());
  int ordinary_kept = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const MenuEntry& e = entries[i];
    draw[i] = Unit(MixSeed(options.seed, e.id));
    bool always = e.IsInvent() || forced.count(e.id) > 0;
    auto own = options.keep_by_option.find(e.id);
    double p = own == options.keep_by_option.end() ? options.keep_probability : own->second;
    keep[i] = always || draw[i] < p;
    if (keep[i] && !e.IsInvent()) ++ordinary_kept;
  }
  if (ordinary_kept < options.min_kept) {
    std::vector<std::size_t> dropped;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!keep[i] && !entries[i].IsInvent()) dropped.push_back(i);
    }
    std::sort(dropped.begin(), dropped.end(),
              [&](std::size_t a, std::size_t b) { return draw[a] < draw[b]; });
    for (std::size_t i = 0; i < dropped.size() && ordinary_kept < options.min_kept; ++i) {
      keep[dropped[i]] = true;
      ++ordinary_kept;
    }
  }
  std::vector<MenuEntry> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (keep[i]) out.push_back(entries[i]);
  }
  return out;
}

}  // namespace kopt
