// SPDX-License-Identifier: Apache-2.0
// The menus shipped in menus/ are data that must stay valid: every file loads, and the CUDA menu
// covers what the search relies on.
#include "core/task.h"
#include "prompts/menu.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace kopt {
namespace {

const std::string kMenus = std::string(KOPT_SOURCE_DIR) + "/menus";

TEST(MenusDataTest, EveryMenuFileIsValid) {
  std::vector<std::string> files = MenuFiles(kMenus);
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    Menu menu = LoadMenu(file);
    EXPECT_FALSE(menu.name.empty());
    for (const auto& e : menu.entries) {
      SCOPED_TRACE(e.id);
      EXPECT_LE(e.title.size(), 60u);
      // Concrete advice takes more than a phrase; the prompt shows it whole, so not too long.
      EXPECT_GE(e.text.size(), 150u);
      EXPECT_LE(e.text.size(), 1000u);
      EXPECT_EQ(e.text.find("{{"), std::string::npos);
      EXPECT_EQ(e.text.find('\n'), std::string::npos);
    }
  }
}

TEST(MenusDataTest, TheCudaMenuCoversTheIssuesList) {
  Menu menu = LoadMenu(kMenus + "/cuda.json");
  EXPECT_GE(menu.entries.size(), 41u);  // 40 optimizations and invent
  for (const char* id : {"mem.coalescing",
                         "mem.vectorized_loads",
                         "mem.smem_tiling",
                         "mem.bank_conflict_padding",
                         "mem.register_blocking",
                         "par.block_size",
                         "par.occupancy",
                         "par.grid_stride",
                         "par.split_k",
                         "par.persistent",
                         "warp.shuffle_reduce",
                         "warp.block_reduce",
                         "async.cp_async",
                         "hopper.bulk_copy",
                         "hopper.mbarrier_pipeline",
                         "hopper.wgmma",
                         "tc.ldmatrix",
                         "tc.mma_sync",
                         "hopper.clusters",
                         "hopper.dsmem",
                         "num.fp32_accumulate",
                         "num.fast_intrinsics",
                         "fuse.merge_launches",
                         "fuse.epilogue",
                         "alg.reformulate",
                         "invent"}) {
    EXPECT_NE(menu.Find(id), nullptr) << id;
  }
  // wgmma and setmaxnreg exist only on the sm_90a target.
  EXPECT_EQ(menu.Find("hopper.wgmma")->archs, std::vector<std::string>{"sm_90a"});
  EXPECT_EQ(menu.Find("hopper.warp_specialization")->archs, std::vector<std::string>{"sm_90a"});
  const MenuEntry& invent = menu.Invent();
  EXPECT_EQ(invent.op_classes, std::vector<std::string>{"all"});
  EXPECT_EQ(invent.archs, std::vector<std::string>{"all"});
}

TEST(MenusDataTest, EveryTaskGetsAUsefulMenuOnHopperAndAmpere) {
  Menu menu = LoadMenu(kMenus + "/cuda.json");
  std::vector<Task> tasks;
  const std::string root = std::string(KOPT_SOURCE_DIR) + "/tasks";
  for (const auto& suite : ListSuites(root)) {
    for (Task& t : LoadSuite(root + "/" + suite)) tasks.push_back(std::move(t));
  }
  ASSERT_GE(tasks.size(), 30u);
  for (const Task& task : tasks) {
    for (const char* arch : {"sm_90a", "sm_80"}) {
      SCOPED_TRACE(task.name + " " + arch);
      std::vector<MenuEntry> entries = FilterMenu(menu, {.op_class = task.op_class, .arch = arch});
      EXPECT_GE(entries.size(), 15u);
      EXPECT_LT(entries.size(), menu.entries.size());
      if (std::string(arch) == "sm_80") {
        for (const auto& e : entries) EXPECT_NE(e.id.rfind("hopper.", 0), 0u) << e.id;
      }
    }
  }
  std::vector<MenuEntry> gemm = FilterMenu(menu, {.op_class = "gemm", .arch = "sm_90a"});
  std::set<std::string> ids;
  for (const auto& e : gemm) ids.insert(e.id);
  EXPECT_TRUE(ids.count("hopper.wgmma"));
  EXPECT_FALSE(ids.count("alg.online_softmax"));
}

}  // namespace
}  // namespace kopt
