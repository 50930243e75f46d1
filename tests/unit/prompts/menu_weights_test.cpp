// SPDX-License-Identifier: Apache-2.0
// Learned menu dropout: options that beat their parents more often are shown more often, with
// a floor, the mean chance kept at the uniform one, and no record meaning the uniform chance;
// dropout honours per-option chances.
#include "prompts/menu_weights.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <numeric>

namespace kopt {
namespace {

std::vector<MenuEntry> Entries(const std::vector<std::string>& ids) {
  std::vector<MenuEntry> entries;
  for (const auto& id : ids) {
    MenuEntry e;
    e.id = id;
    entries.push_back(e);
  }
  MenuEntry invent;
  invent.id = "invent";
  entries.push_back(invent);
  return entries;
}

TEST(MenuWeightsTest, WithoutARecordEveryOptionKeepsTheUniformChance) {
  auto keep = LearnedKeepProbabilities(Entries({"a", "b", "c"}), {}, {.keep = 0.4, .floor = 0.1});
  ASSERT_EQ(keep.size(), 3u);  // the invent entry is always shown, so it has none
  for (const auto& [id, p] : keep) EXPECT_DOUBLE_EQ(p, 0.4) << id;
}

TEST(MenuWeightsTest, BetterRecordsAreShownMoreOftenAndTheMeanStays) {
  std::map<std::string, OptionRecord> records = {{"good", {10, 8}}, {"bad", {10, 0}}};
  auto keep = LearnedKeepProbabilities(Entries({"good", "bad", "unknown"}), records,
                                       {.keep = 0.5, .floor = 0.05});
  EXPECT_GT(keep["good"], keep["unknown"]);
  EXPECT_GT(keep["unknown"], keep["bad"]);
  double mean = (keep["good"] + keep["bad"] + keep["unknown"]) / 3;
  EXPECT_NEAR(mean, 0.5, 1e-12);  // nothing was clamped here
  // The same perfect rate on one kernel moves an option less than on twenty.
  auto evidence = LearnedKeepProbabilities(
      Entries({"one", "twenty", "bad"}), {{"one", {1, 1}}, {"twenty", {20, 20}}, {"bad", {20, 0}}},
      {.keep = 0.5, .floor = 0.05});
  EXPECT_LT(evidence["one"], evidence["twenty"]);
}

TEST(MenuWeightsTest, NoOptionFallsBelowTheFloorOrAboveOne) {
  std::map<std::string, OptionRecord> records = {{"good", {200, 200}}, {"bad", {200, 0}}};
  auto keep =
      LearnedKeepProbabilities(Entries({"good", "bad"}), records, {.keep = 0.9, .floor = 0.2});
  EXPECT_DOUBLE_EQ(keep["bad"], 0.2);
  EXPECT_DOUBLE_EQ(keep["good"], 1.0);
  EXPECT_THROW(LearnedKeepProbabilities(Entries({"a"}), {}, {.keep = 0.3, .floor = 0.4}),
               ConfigError);
}

TEST(MenuWeightsTest, DropoutUsesEachOptionsOwnChance) {
  std::vector<MenuEntry> entries = Entries({"always", "never", "half"});
  int half = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    DropoutOptions options{.keep_probability = 0.5, .seed = seed, .min_kept = 0};
    options.keep_by_option = {{"always", 1.0}, {"never", 0.0}};
    std::vector<MenuEntry> kept = DropoutMenu(entries, options);
    auto has = [&](const std::string& id) {
      return std::any_of(kept.begin(), kept.end(), [&](const MenuEntry& e) { return e.id == id; });
    };
    EXPECT_TRUE(has("always"));
    EXPECT_FALSE(has("never"));
    EXPECT_TRUE(has("invent"));
    half += has("half");
  }
  EXPECT_GT(half, 70);
  EXPECT_LT(half, 130);
  DropoutOptions bad{.keep_by_option = {{"half", 1.5}}};
  EXPECT_THROW(DropoutMenu(entries, bad), ConfigError);
}

}  // namespace
}  // namespace kopt
