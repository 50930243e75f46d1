// SPDX-License-Identifier: Apache-2.0
// `kopt menus` end to end: listing, filtering, JSON output, and a bad menu file's exit code.
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

using testing::Output;

Output Kopt(const std::string& args) { return testing::RunKopt(args); }

TEST(MenusCliTest, ListsAndValidatesTheShippedMenus) {
  Output out = Kopt("menus");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("menus/cuda.json: menu 'cuda'"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("entries, valid"), std::string::npos);
  EXPECT_NE(out.text.find("mem.vectorized_loads"), std::string::npos);
  EXPECT_NE(out.text.find("hopper.wgmma"), std::string::npos);
}

TEST(MenusCliTest, FiltersAndPrintsJson) {
  Output out = Kopt("menus --menu cuda --op-class softmax --arch sm_80 --format json");
  ASSERT_EQ(out.code, 0) << out.text;
  auto menus = nlohmann::json::parse(out.text);
  ASSERT_EQ(menus.size(), 1u);
  EXPECT_EQ(menus[0]["name"], "cuda");
  const auto& shown = menus[0]["shown"];
  EXPECT_LT(shown.size(), menus[0]["entries"].get<std::size_t>());
  bool invent = false;
  for (const auto& e : shown) {
    invent |= e["id"] == "invent";
    EXPECT_NE(e["id"], "hopper.wgmma");
    EXPECT_NE(e["id"], "tc.mma_sync");
    EXPECT_FALSE(e["text"].get<std::string>().empty());
  }
  EXPECT_TRUE(invent);
}

TEST(MenusCliTest, ABadMenuExitsWithTwoAndNamesTheEntry) {
  fs::path file = fs::temp_directory_path() / "kopt_bad_menu_e2e.json";
  std::ofstream(file) << R"({"schema_version": 1, "name": "bad", "description": "d", "entries": [
    {"id": "a.b", "title": "t", "text": "x", "op_classes": ["all"], "archs": ["all"],
     "bound": "any"},
    {"id": "a.b", "title": "t", "text": "y", "op_classes": ["all"], "archs": ["all"],
     "bound": "any"}]})";
  Output out = Kopt("menus --menu " + file.string());
  fs::remove(file);
  EXPECT_EQ(out.code, 2) << out.text;
  EXPECT_NE(out.text.find("entries[1] (a.b).id: duplicate id"), std::string::npos) << out.text;
  Output missing = Kopt("menus --menu no_such_menu");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.text.find("no menu 'no_such_menu'"), std::string::npos) << missing.text;
  Output bad_arch = Kopt("menus --arch hopper");
  EXPECT_EQ(bad_arch.code, 2);
  EXPECT_NE(bad_arch.text.find("'hopper' is not an arch"), std::string::npos) << bad_arch.text;
  EXPECT_EQ(Kopt("menus --bound fast").code, 2);
}

// The menu and the rules promise these headers, intrinsics and PTX instructions (cp.async,
// cp.async.bulk with mbarrier transaction counts, setmaxnreg, wgmma fences, ldmatrix, mma.sync,
// WMMA, libcu++ barriers, cuda::ptx, clusters with distributed shared memory, TMA through kopt's
// <kopt/tma.h>): NVRTC must take them for sm_90a, the target kopt compiles for on an H100.
TEST(MenusCliTest, TheFeaturesTheMenuPromisesCompileWithNvrtc) {
  Output out = Kopt("compile reduce_sum " + std::string(KOPT_SOURCE_DIR) +
                    "/tests/data/candidates/menu_features.cu --arch sm_90a --no-cache");
  EXPECT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("menu_features.cu for sm_90a"), std::string::npos) << out.text;
}

}  // namespace
}  // namespace kopt
