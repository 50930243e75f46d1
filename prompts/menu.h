// SPDX-License-Identifier: Apache-2.0
// Optimization menus (menus/*.json): entries with stable ids, text and tags, loaded and validated
// strictly; filtering by a task's op class, the target arch and the bound; seeded dropout.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

inline constexpr int kMenuSchemaVersion = 1;
/// The entry that asks for an optimization not on the menu. Every menu has it; dropout never
/// removes it, and a plan naming an unknown option is attributed to it.
inline constexpr std::string_view kInventOptionId = "invent";
/// The op-class and arch tag that matches everything.
inline constexpr std::string_view kAllTag = "all";

/// What limits a kernel that an entry helps. The names are stored and never change.
enum class MenuBound { kAny, kMemory, kCompute, kLatency };
std::string_view MenuBoundName(MenuBound bound);
std::optional<MenuBound> ParseMenuBound(std::string_view name);

struct MenuEntry {
  std::string id;     // "mem.vectorized_loads"
  std::string title;  // a few words
  std::string text;   // what to do and when it helps
  /// Task op classes it applies to ("gemm", "softmax", ...), or {"all"}.
  std::vector<std::string> op_classes;
  /// "all", "sm_80+" (that compute capability or newer), "sm_90" (that one, any variant),
  /// "sm_90a" (arch-specific features: only when compiling for sm_90a).
  std::vector<std::string> archs;
  MenuBound bound = MenuBound::kAny;

  bool IsInvent() const { return id == kInventOptionId; }
};

struct Menu {
  std::string name;
  std::string description;
  std::string file;  // where it was loaded from ("" when parsed from text)
  std::vector<MenuEntry> entries;

  /// The entry with this id, or nullptr.
  const MenuEntry* Find(std::string_view id) const;
  const MenuEntry& Invent() const;
};

/// Parses and validates menu JSON; `file` names the source in errors. Throws ConfigError naming
/// the file and the entry (unknown keys, duplicate or malformed ids, missing text, bad tags).
Menu ParseMenu(const std::string& text, const std::string& file);
Menu LoadMenu(const std::string& path);
/// Every *.json under `dir`, sorted. Throws ConfigError when `dir` is not a folder.
std::vector<std::string> MenuFiles(const std::string& dir);
/// A menu file named on the command line: a path to a file, or a name looked up as
/// `<data_dir>/menus/<name>.json`. Throws ConfigError when neither exists.
std::string FindMenuFile(const std::string& spec, const std::string& data_dir);

/// True when the arch tag (see MenuEntry::archs) admits the NVRTC target `arch` ("sm_90a").
/// A malformed tag or arch is a ConfigError.
bool ArchTagMatches(std::string_view tag, std::string_view arch);

/// Which entries suit a kernel. An empty field does not filter.
struct MenuFilter {
  std::string op_class;           // the task's op_class
  std::string arch;               // the NVRTC target, "sm_90a"
  std::vector<MenuBound> bounds;  // entries of these bounds, plus every kAny entry
};

/// The entries that pass `filter`, in menu order; the invent entry always passes.
std::vector<MenuEntry> FilterMenu(const Menu& menu, const MenuFilter& filter);

struct DropoutOptions {
  /// Chance that an entry is shown. Filtered menus hold ~20-30 entries, so 0.5 shows about as
  /// many options per prompt as Autocomp's 0.25 of its 65.
  double keep_probability = 0.5;
  std::uint64_t seed = 0;
  /// Ids that are always kept (e.g. a replayed schedule's option); each must be in the entries.
  std::vector<std::string> forced;
  /// When fewer ordinary entries than this survive, the ones that came closest are added back.
  int min_kept = 1;
  /// Per-option chances that replace `keep_probability` for the options they name (learned
  /// dropout, prompts/menu_weights.h); each must be in [0, 1].
  std::map<std::string, double, std::less<>> keep_by_option;
};

/// Keeps each entry independently with its keep probability; the invent entry and forced
/// entries always stay. Deterministic in (seed, entry id): an entry's fate does not depend on
/// its position or on the other entries, so editing a menu changes no other draw. Menu order.
std::vector<MenuEntry> DropoutMenu(const std::vector<MenuEntry>& entries,
                                   const DropoutOptions& options);

}  // namespace kopt
