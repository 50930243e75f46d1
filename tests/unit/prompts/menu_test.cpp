// SPDX-License-Identifier: Apache-2.0
#include "prompts/menu.h"

#include "core/error.h"
#include "core/seed_mix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace kopt {
namespace {

std::string Entry(const std::string& id, const std::string& ops = R"(["all"])",
                  const std::string& archs = R"(["all"])", const std::string& bound = "any") {
  return R"({"id": ")" + id + R"(", "title": "T )" + id + R"(", "text": "Do )" + id +
         R"(.", "op_classes": )" + ops + R"(, "archs": )" + archs + R"(, "bound": ")" + bound +
         R"("})";
}

std::string MenuText(const std::vector<std::string>& entries) {
  std::string list;
  for (const auto& e : entries) list += (list.empty() ? "" : ",\n") + e;
  return R"({"schema_version": 1, "name": "test", "description": "d", "entries": [)" + list + "]}";
}

Menu SampleMenu() {
  return ParseMenu(
      MenuText({Entry("mem.coalescing", R"(["all"])", R"(["all"])", "memory"),
                Entry("tc.mma", R"(["gemm", "conv"])", R"(["sm_80+"])", "compute"),
                Entry("hopper.wgmma", R"(["gemm"])", R"(["sm_90a"])", "compute"),
                Entry("hopper.dsmem", R"(["softmax"])", R"(["sm_90"])", "any"),
                Entry("par.launches", R"(["all"])", R"(["all"])", "latency"), Entry("invent")}),
      "test.json");
}

std::vector<std::string> Ids(const std::vector<MenuEntry>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.id);
  return ids;
}

std::string ParseError(const std::string& text) {
  try {
    ParseMenu(text, "menus/bad.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MenuTest, ParsesEntriesWithTheirTags) {
  Menu menu = SampleMenu();
  ASSERT_EQ(menu.entries.size(), 6u);
  const MenuEntry* mma = menu.Find("tc.mma");
  ASSERT_NE(mma, nullptr);
  EXPECT_EQ(mma->title, "T tc.mma");
  EXPECT_EQ(mma->op_classes, (std::vector<std::string>{"gemm", "conv"}));
  EXPECT_EQ(mma->archs, (std::vector<std::string>{"sm_80+"}));
  EXPECT_EQ(mma->bound, MenuBound::kCompute);
  EXPECT_TRUE(menu.Invent().IsInvent());
  EXPECT_EQ(menu.Find("nope"), nullptr);
}

TEST(MenuTest, RejectsBadFilesNamingTheFileAndTheEntry) {
  std::string ok = Entry("invent");
  EXPECT_EQ(ParseError(MenuText({Entry("a.b"), Entry("a.b"), ok})),
            "menus/bad.json: entries[1] (a.b).id: duplicate id, also used by entries[0]");
  std::string unknown_key =
      R"({"id": "a.b", "title": "t", "text": "x", "op_classes": ["all"], "archs": ["all"],
          "bound": "any", "weight": 2})";
  EXPECT_NE(ParseError(MenuText({unknown_key, ok})).find("entries[0] (a.b).weight: unknown key"),
            std::string::npos);
  std::string no_text =
      R"({"id": "a.b", "title": "t", "op_classes": ["all"], "archs": ["all"], "bound": "any"})";
  EXPECT_EQ(ParseError(MenuText({no_text, ok})),
            "menus/bad.json: entries[0] (a.b).text: missing required field");
  std::string blank_text =
      R"({"id": "a.b", "title": "t", "text": "  ", "op_classes": ["all"], "archs": ["all"],
          "bound": "any"})";
  EXPECT_NE(ParseError(MenuText({blank_text, ok})).find("(a.b).text: must say what to do"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("Mem.Bad"), ok})).find("entries[0].id: 'Mem.Bad' is not"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a..b"), ok})).find("is not an id"), std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b", R"(["all", "gemm"])"), ok}))
                .find("(a.b).op_classes: \"all\" must be the only tag"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b", R"([])"), ok})).find("needs at least one tag"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b", R"(["all"])", R"(["hopper"])"), ok}))
                .find("(a.b).archs[0]: 'hopper' is not an arch tag"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b", R"(["all"])", R"(["sm_90a+"])"), ok}))
                .find("is not an arch tag"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b", R"(["all"])", R"(["all"])", "fast"), ok}))
                .find("(a.b).bound: 'fast' is not one of memory, compute, latency, any"),
            std::string::npos);
  EXPECT_NE(ParseError(MenuText({Entry("a.b")})).find("needs an entry with id \"invent\""),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"schema_version": 2, "name": "x", "description": "d", "entries": []})")
                .find("schema_version: version 2 is not supported"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"schema_version": 1, "name": "x", "entries": []})")
                .find("description: missing required field"),
            std::string::npos);
  EXPECT_NE(ParseError("{not json").find("menus/bad.json"), std::string::npos);
}

TEST(MenuTest, ArchTagsMatchTargets) {
  EXPECT_TRUE(ArchTagMatches("all", "sm_80"));
  EXPECT_TRUE(ArchTagMatches("sm_80+", "sm_90a"));
  EXPECT_TRUE(ArchTagMatches("sm_80+", "sm_80"));
  EXPECT_FALSE(ArchTagMatches("sm_90+", "sm_89"));
  EXPECT_TRUE(ArchTagMatches("sm_90", "sm_90a"));
  EXPECT_TRUE(ArchTagMatches("sm_90", "sm_90"));
  EXPECT_FALSE(ArchTagMatches("sm_90", "sm_100a"));
  EXPECT_TRUE(ArchTagMatches("sm_90a", "sm_90a"));
  EXPECT_FALSE(ArchTagMatches("sm_90a", "sm_90"));    // arch-specific features need the a target
  EXPECT_FALSE(ArchTagMatches("sm_90a", "sm_100a"));  // and do not carry to newer chips
  EXPECT_TRUE(ArchTagMatches("sm_90+", "sm_100a"));
  EXPECT_THROW(ArchTagMatches("sm_90", "hopper"), ConfigError);
  EXPECT_THROW(ArchTagMatches("sm_90", "sm_90+"), ConfigError);
}

TEST(MenuTest, FiltersByOpClassArchAndBoundAndKeepsInvent) {
  Menu menu = SampleMenu();
  EXPECT_EQ(Ids(FilterMenu(menu, {})).size(), 6u);
  EXPECT_EQ(Ids(FilterMenu(menu, {.op_class = "softmax"})),
            (std::vector<std::string>{"mem.coalescing", "hopper.dsmem", "par.launches", "invent"}));
  EXPECT_EQ(Ids(FilterMenu(menu, {.op_class = "gemm", .arch = "sm_80"})),
            (std::vector<std::string>{"mem.coalescing", "tc.mma", "par.launches", "invent"}));
  EXPECT_EQ(Ids(FilterMenu(menu, {.op_class = "gemm", .arch = "sm_90a"})),
            (std::vector<std::string>{"mem.coalescing", "tc.mma", "hopper.wgmma", "par.launches",
                                      "invent"}));
  // Bound: the named bounds plus every "any" entry.
  EXPECT_EQ(Ids(FilterMenu(menu, {.bounds = {MenuBound::kMemory}})),
            (std::vector<std::string>{"mem.coalescing", "hopper.dsmem", "invent"}));
  EXPECT_EQ(Ids(FilterMenu(menu, {.op_class = "scan", .bounds = {MenuBound::kCompute}})),
            (std::vector<std::string>{"invent"}));
}

TEST(MenuTest, DropoutIsDeterministicInTheSeedAndKeepsInventAndForced) {
  Menu menu = SampleMenu();
  DropoutOptions options{.keep_probability = 0.5, .seed = 42};
  std::vector<std::string> first = Ids(DropoutMenu(menu.entries, options));
  EXPECT_EQ(Ids(DropoutMenu(menu.entries, options)), first);
  EXPECT_NE(std::find(first.begin(), first.end(), "invent"), first.end());

  options.keep_probability = 0;
  options.min_kept = 0;
  EXPECT_EQ(Ids(DropoutMenu(menu.entries, options)), (std::vector<std::string>{"invent"}));
  options.forced = {"hopper.wgmma"};
  EXPECT_EQ(Ids(DropoutMenu(menu.entries, options)),
            (std::vector<std::string>{"hopper.wgmma", "invent"}));
  options.forced = {};
  options.keep_probability = 1;
  EXPECT_EQ(Ids(DropoutMenu(menu.entries, options)).size(), menu.entries.size());

  options.forced = {"no.such"};
  EXPECT_THROW(DropoutMenu(menu.entries, options), ConfigError);
  options.forced = {};
  options.keep_probability = 1.5;
  EXPECT_THROW(DropoutMenu(menu.entries, options), ConfigError);
}

TEST(MenuTest, DropoutKeepsAtLeastMinKeptOrdinaryEntries) {
  Menu menu = SampleMenu();
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    DropoutOptions options{.keep_probability = 0, .seed = seed, .min_kept = 2};
    std::vector<MenuEntry> kept = DropoutMenu(menu.entries, options);
    ASSERT_EQ(kept.size(), 3u) << seed;
    EXPECT_TRUE(kept.back().IsInvent());
  }
}

TEST(MenuTest, AnEntrysFateDependsOnlyOnTheSeedAndItsId) {
  Menu menu = SampleMenu();
  std::vector<MenuEntry> reversed(menu.entries.rbegin(), menu.entries.rend());
  std::vector<MenuEntry> fewer(menu.entries.begin() + 2, menu.entries.end());
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    DropoutOptions options{.keep_probability = 0.5, .seed = seed, .min_kept = 0};
    std::vector<std::string> all = Ids(DropoutMenu(menu.entries, options));
    std::vector<std::string> rev = Ids(DropoutMenu(reversed, options));
    std::sort(all.begin(), all.end());
    std::sort(rev.begin(), rev.end());
    EXPECT_EQ(all, rev);
    for (const auto& id : Ids(DropoutMenu(fewer, options))) {
      EXPECT_NE(std::find(all.begin(), all.end(), id), all.end()) << id;
    }
  }
}

TEST(MenuTest, DropoutKeepsEachEntryWithTheKeepProbabilityIndependently) {
  // 40 ordinary entries, 4000 prompts: each entry's keep rate, the pairwise joint rate and the
  // per-prompt count must match independent Bernoulli(p) draws.
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) texts.push_back(Entry("opt.e" + std::to_string(i)));
  texts.push_back(Entry("invent"));
  Menu menu = ParseMenu(MenuText(texts), "stats.json");
  const double p = 0.3;
  const int prompts = 4000;
  std::map<std::string, int> kept;
  int both_e0_e1 = 0;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < prompts; ++i) {
    DropoutOptions options{.keep_probability = p,
                           .seed = PromptSeed(7, "task/iter1/member0/plan" + std::to_string(i)),
                           .min_kept = 0};
    std::vector<std::string> ids = Ids(DropoutMenu(menu.entries, options));
    bool e0 = false, e1 = false;
    for (const auto& id : ids) {
      ++kept[id];
      e0 |= id == "opt.e0";
      e1 |= id == "opt.e1";
    }
    both_e0_e1 += e0 && e1;
    double n = static_cast<double>(ids.size() - 1);
    sum += n;
    sum_sq += n * n;
  }
  EXPECT_EQ(kept["invent"], prompts);
  double sigma = std::sqrt(p * (1 - p) / prompts);
  for (int i = 0; i < 40; ++i) {
    double rate = kept["opt.e" + std::to_string(i)] / static_cast<double>(prompts);
    EXPECT_NEAR(rate, p, 4.5 * sigma) << "opt.e" << i;
  }
  EXPECT_NEAR(both_e0_e1 / static_cast<double>(prompts), p * p,
              4.5 * std::sqrt(p * p * (1 - p * p) / prompts));
  double mean = sum / prompts;
  double variance = sum_sq / prompts - mean * mean;
  EXPECT_NEAR(mean, 40 * p, 0.15);
  EXPECT_NEAR(variance, 40 * p * (1 - p), 1.2);  // independence: binomial variance
}

TEST(MenuTest, PromptSeedsDifferByKeyAndRunSeed) {
  EXPECT_EQ(PromptSeed(1, "a/plan0"), PromptSeed(1, "a/plan0"));
  EXPECT_NE(PromptSeed(1, "a/plan0"), PromptSeed(1, "a/plan1"));
  EXPECT_NE(PromptSeed(1, "a/plan0"), PromptSeed(2, "a/plan0"));
}

TEST(MenuTest, FindsMenuFilesByNameOrPath) {
  std::string root = KOPT_SOURCE_DIR;
  EXPECT_EQ(FindMenuFile("cuda", root), root + "/menus/cuda.json");
  EXPECT_EQ(FindMenuFile("cuda.json", root), root + "/menus/cuda.json");
  EXPECT_EQ(FindMenuFile(root + "/menus/cuda.json", "/nowhere"), root + "/menus/cuda.json");
  EXPECT_THROW(FindMenuFile("nope", root), ConfigError);
  EXPECT_THROW(MenuFiles(root + "/no_such_dir"), ConfigError);
  EXPECT_THROW(LoadMenu(root + "/menus/no_such.json"), ConfigError);
}

}  // namespace
}  // namespace kopt
