// SPDX-License-Identifier: Apache-2.0
// `cmake --install` into a temporary prefix, then the installed kopt run from another folder: it
// reads the tasks and menus installed beside it (not the source tree it was built from),
// compiles, and bash completes its commands and options from the installed script.
#include "tests/support/e2e_text.h"
#include "tests/support/run_kopt.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kopt {
namespace {

using testing::Has;

namespace fs = std::filesystem;
using testing::Output;
using testing::RunProgram;

// Completions bash offers for `words` (the last one being completed) from `script`.
std::string Complete(const std::string& script, const std::string& words) {
  std::string command = "source " + script + "; COMP_WORDS=(" + words +
                        "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _kopt; echo \"${COMPREPLY[*]}\"";
  std::ofstream(script + ".test") << command << "\n";
  return RunProgram("bash", script + ".test", "2>&1").text;
}

TEST(InstallTest, TheInstalledKoptUsesItsOwnTasksMenusAndCompletion) {
  testing::TempDir prefix;
  Output installed =
      RunProgram(KOPT_CMAKE, "--install " KOPT_BUILD_DIR " --prefix " + prefix.path());
  ASSERT_EQ(installed.code, 0) << installed.text;
  std::string kopt = prefix.File("bin/kopt");
  fs::path share = prefix.File("share/kopt");
  ASSERT_TRUE(fs::exists(kopt));
  ASSERT_TRUE(fs::exists(share / "menus" / "cuda.json"));

  // A task only the installed copy has proves which tasks the installed kopt reads.
  fs::path copy = share / "tasks" / "quick" / "installed_only";
  fs::copy(share / "tasks" / "quick" / "transpose_fp32", copy);
  std::ifstream in(copy / "task.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string task = text.str();
  task.replace(task.find("\"transpose_fp32\""), 16, "\"installed_only\"");
  std::ofstream(copy / "task.json", std::ios::trunc) << task;

  std::string elsewhere = "cd / && env -u KOPT_DATA_DIR";
  Output tasks = RunProgram(kopt, "tasks --suite quick", "2>&1", elsewhere);
  EXPECT_EQ(tasks.code, 0) << tasks.text;
  EXPECT_TRUE(Has(tasks.text, "installed_only")) << tasks.text;
  Output menus = RunProgram(kopt, "menus", "2>&1", elsewhere);
  EXPECT_EQ(menus.code, 0) << menus.text;
  Output compiled =
      RunProgram(kopt, "compile installed_only " + (copy / "starter.cu").string() + " --no-cache",
                 "2>&1", elsewhere);
  EXPECT_EQ(compiled.code, 0) << compiled.text;

  std::string script = prefix.File("share/bash-completion/completions/kopt");
  ASSERT_TRUE(fs::exists(script));
  EXPECT_EQ(Complete(script, "kopt exp"), "export\n");
  EXPECT_EQ(Complete(script, "kopt --db x.db export --fo"), "--format\n");
  EXPECT_TRUE(Has(Complete(script, "kopt optimize --mo"), "--model")) << "a command's options";
}

}  // namespace
}  // namespace kopt
