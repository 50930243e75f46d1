// SPDX-License-Identifier: Apache-2.0
// The kopt binary end to end, on any machine: listing and compiling need no GPU, and the
// commands that do need one fail cleanly without it. Exit codes are part of the contract.
#include "evaluator/worker/cuda_driver.h"
#include "tests/support/e2e_text.h"
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

using testing::Output;
using testing::ReadAll;

Output Kopt(const std::string& args) { return testing::RunKopt(args); }

const std::string kRoot = KOPT_SOURCE_DIR;

TEST(CliTest, TheSuiteTableInTheDocsIsWhatKoptTasksPrints) {
  Output out = Kopt("tasks --format markdown");
  ASSERT_EQ(out.code, 0) << out.text;
  std::ifstream in(kRoot + "/docs/tasks.md");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(doc.find(out.text), std::string::npos)
      << "docs/tasks.md is stale; regenerate its table with `kopt tasks --format markdown`";
}

TEST(CliTest, TasksListsTheQuickSuite) {
  Output out = Kopt("tasks --suite quick --format json");
  ASSERT_EQ(out.code, 0) << out.text;
  auto tasks = nlohmann::json::parse(out.text);
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[0]["name"], "gemm_fp32");
  EXPECT_EQ(tasks[0]["flops"], 2.0 * 1024 * 1024 * 1024);
  Output md = Kopt("tasks --format markdown");
  EXPECT_NE(md.text.find("| quick | transpose_fp32 |"), std::string::npos) << md.text;
}

TEST(CliTest, CompileReportsResourcesAndCompileErrors) {
  Output good =
      Kopt("compile gemm_fp32 " + kRoot + "/tasks/quick/gemm_fp32/starter.cu -D BM=128 --no-cache");
  EXPECT_EQ(good.code, 0) << good.text;
  EXPECT_NE(good.text.find("gemm_tiled"), std::string::npos) << good.text;
  EXPECT_NE(good.text.find("registers"), std::string::npos);
  Output bad =
      Kopt("compile transpose_fp32 " + kRoot + "/tests/data/candidates/bad/compile_error.cu");
  EXPECT_EQ(bad.code, 1) << bad.text;
  EXPECT_NE(bad.text.find("compile_error.cu(6): error"), std::string::npos) << bad.text;
}

// Without a GPU, `kopt compile` makes the evaluator's checks of a kernel against its launch block:
// a kernel without extern "C" and one with the wrong parameter count are launch errors.
TEST(CliTest, CompileFindsWhatTheLaunchWouldFindWithoutAGpu) {
  fs::path dir = fs::temp_directory_path() / "kopt-compile-checks";
  fs::create_directories(dir);
  std::string block =
      "/*@kopt\n{\"launch\": [{\"kernel\": \"copy\", \"grid\": [\"cdiv(N,256)\"], "
      "\"block\": [256], \"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n";
  std::ofstream(dir / "mangled.cu")
      << block << "__global__ void copy(const float* X, float* Y, int n) {}\n";
  std::ofstream(dir / "two_args.cu") << block
                                     << "extern \"C\" __global__ void copy(const float* X, float* "
                                        "Y) {}\n";
  std::string task = kRoot + "/tests/data/suites/tiny/copy_chunked ";
  Output mangled = Kopt("compile " + task + (dir / "mangled.cu").string() + " --no-cache");
  EXPECT_EQ(mangled.code, 1) << mangled.text;
  EXPECT_NE(mangled.text.find("launch_error"), std::string::npos) << mangled.text;
  EXPECT_NE(mangled.text.find("declare it extern \"C\""), std::string::npos) << mangled.text;
  Output json =
      testing::RunKopt("compile " + task + (dir / "mangled.cu").string() + " --format json", "");
  EXPECT_EQ(json.code, 1) << json.text;
  nlohmann::json j = nlohmann::json::parse(json.text);
  EXPECT_EQ(j["status"], "launch_error");
  EXPECT_NE(j["message"].get<std::string>().find("extern \"C\""), std::string::npos);
  EXPECT_EQ(j["kernels"][0]["kernel"], "_Z4copyPKfPfi");
  Output two = Kopt("compile " + task + (dir / "two_args.cu").string() + " --no-cache");
  EXPECT_EQ(two.code, 1) << two.text;
  EXPECT_NE(two.text.find("a different number of parameters than the 3"), std::string::npos)
      << two.text;
  fs::remove_all(dir);
}

// The leak cases of the adversarial set through `kopt compile`, with a key in the environment:
// neither the output nor the cubin cache may hold it, cold or cached.
TEST(CliTest, NoCandidateCanPrintTheEnvironmentThroughTheCompiler) {
  std::string canary = "sk-kopt-canary-" + std::to_string(::getpid()) + "-4f1d";
  fs::path cache = fs::temp_directory_path() / ("kopt_leak_cache_" + std::to_string(::getpid()));
  std::string env = "OPENAI_API_KEY=" + canary + " KOPT_LEAK_CANARY=" + canary +
                    " KOPT_CACHE_DIR=" + cache.string();
  auto cases =
      nlohmann::json::parse(std::ifstream(kRoot + "/tests/data/candidates/adversarial/cases.json"));
  int leaks = 0;
  for (const auto& c : cases) {
    if (c.at("category") != "leaks") continue;
    ++leaks;
    std::string file =
        kRoot + "/tests/data/candidates/adversarial/" + c.at("file").get<std::string>();
    for (int run = 0; run < 2; ++run) {  // the second run is answered from the cache
      Output out =
          testing::RunKopt("compile " + c.at("task").get<std::string>() + " " + file, "2>&1", env);
      EXPECT_EQ(out.text.find(canary), std::string::npos) << file << ":\n" << out.text;
      EXPECT_EQ(out.text.find("PATH="), std::string::npos) << file << ":\n" << out.text;
    }
  }
  EXPECT_GE(leaks, 6);
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(canary), std::string::npos) << entry.path();
  }
  fs::remove_all(cache);
}

TEST(CliTest, ConfigurationErrorsExitWithTwoAndNameTheProblem) {
  Output unknown_task = Kopt("compile no_such_task " + kRoot + "/tasks/quick/gemm_fp32/starter.cu");
  EXPECT_EQ(unknown_task.code, 2);
  EXPECT_NE(unknown_task.text.find("no task 'no_such_task'"), std::string::npos)
      << unknown_task.text;
  Output unknown_name =
      Kopt("compile transpose_fp32 " + kRoot + "/tests/data/candidates/bad/unknown_tensor.cu");
  EXPECT_EQ(unknown_name.code, 2);
  EXPECT_NE(unknown_name.text.find("unknown name 'Z'"), std::string::npos) << unknown_name.text;
  Output bad_define =
      Kopt("compile gemm_fp32 " + kRoot + "/tasks/quick/gemm_fp32/starter.cu -D BM=96");
  EXPECT_EQ(bad_define.code, 2);
  EXPECT_NE(bad_define.text.find("BM=96 is not one of its values"), std::string::npos);
  // A task named as the progress lines print it works; one that no suite holds is named back.
  Output unknown_baseline = Kopt("baselines --suite core --task core/reduce_sum --task nope");
  EXPECT_EQ(unknown_baseline.code, 2);
  EXPECT_NE(unknown_baseline.text.find("--task: no task 'nope' in suite(s) core"),
            std::string::npos)
      << unknown_baseline.text;
  EXPECT_EQ(unknown_baseline.text.find("core/reduce_sum"), std::string::npos)
      << unknown_baseline.text;
  // A task folder is a task too: past the check of --task, it fails only for want of PyTorch or
  // a GPU here.
  Output folder_baseline =
      Kopt("baselines --suite core --task " + kRoot + "/tasks/quick/gemm_fp32");
  EXPECT_EQ(folder_baseline.text.find("--task: no task"), std::string::npos)
      << folder_baseline.text;
  Output missing_folder = Kopt("baselines --task " + kRoot + "/tasks/quick/nope");
  EXPECT_NE(missing_folder.text.find("--task: no task"), std::string::npos) << missing_folder.text;
  Output bad_flag = Kopt("eval --seeds 0 gemm_fp32 x.cu");
  EXPECT_EQ(bad_flag.code, 2);
  Output no_command = Kopt("");
  EXPECT_EQ(no_command.code, 2);
}

TEST(CliTest, BrokenTaskFileIsNamed) {
  fs::path dir = fs::temp_directory_path() / ("kopt_e2e_" + std::to_string(::getpid())) / "broken";
  fs::create_directories(dir);
  std::ofstream(dir / "task.json") << R"({"schema_version": 1, "name": "broken", "colour": 1})";
  std::ofstream(dir / "reference.cu") << "";
  Output out = Kopt("compile " + dir.string() + " " + kRoot + "/tasks/quick/gemm_fp32/starter.cu");
  EXPECT_EQ(out.code, 2);
  EXPECT_NE(out.text.find("task.json: colour: unknown key"), std::string::npos) << out.text;
  fs::remove_all(dir.parent_path());
}

// `--arch` applies that architecture's limits without its GPU: 150 KB of shared memory fits an
// sm_90a or sm_80 block and not an sm_86 one; a cluster needs sm_90 or newer.
TEST(CliTest, CompileChecksTheLaunchBlockAgainstItsArchitecture) {
  fs::path dir = fs::temp_directory_path() / "kopt-compile-arch";
  fs::create_directories(dir);
  std::ofstream(dir / "big_smem.cu")
      << "/*@kopt\n{\"launch\": [{\"kernel\": \"copy\", \"grid\": [\"cdiv(N,256)\"], "
         "\"block\": [256], \"smem\": 150000, \"args\": [\"X\", \"Y\", \"N\"]}]}\n@kopt*/\n"
         "extern \"C\" __global__ void copy(const float* X, float* Y, int n) {}\n";
  std::string args = "compile " + kRoot + "/tests/data/suites/tiny/copy_chunked " +
                     (dir / "big_smem.cu").string() + " --no-cache --arch ";
  EXPECT_EQ(Kopt(args + "sm_90a").code, 0);
  EXPECT_EQ(Kopt(args + "sm_80").code, 0);
  Output ampere = Kopt(args + "sm_86");
  EXPECT_EQ(ampere.code, 2) << ampere.text;
  EXPECT_NE(ampere.text.find("150000 bytes of dynamic shared memory, above the device's limit of "
                             "101376"),
            std::string::npos)
      << ampere.text;
  Output bogus = Kopt(args + "compute_90");
  EXPECT_EQ(bogus.code, 2) << bogus.text;
  EXPECT_NE(bogus.text.find("'compute_90' is not an NVRTC target"), std::string::npos)
      << bogus.text;
  fs::remove_all(dir);
}

// A text that is not a candidate needs no GPU to be told so: on a machine without a driver, the
// bad launch block is reported first, and nothing is recorded.
TEST(CliTest, EvalReportsABadLaunchBlockBeforeTheMissingDriver) {
  if (DriverAvailable()) GTEST_SKIP() << "this machine has a GPU driver";
  fs::path bad = fs::temp_directory_path() / "kopt-bad-block.cu";
  std::ifstream in(kRoot + "/tasks/quick/rmsnorm_bf16/starter.cu");
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  source.replace(source.find("\"grid\": [\"ROWS\"]"), 16, "\"grid\": [\"ROWX\"]");
  std::ofstream(bad) << source;
  std::string db = (fs::temp_directory_path() / "kopt-bad-block.db").string();
  Output out = Kopt("--db " + db + " eval rmsnorm_bf16 " + bad.string());
  EXPECT_EQ(out.code, 1) << out.text;
  std::size_t block = out.text.find("kopt: not a candidate: " + bad.string() +
                                    ": launch block.launch[0].grid[0]: expression \"ROWX\"");
  std::size_t driver = out.text.find("not recorded in the store: no CUDA driver");
  EXPECT_NE(block, std::string::npos) << out.text;
  EXPECT_NE(driver, std::string::npos) << out.text;
  EXPECT_LT(block, driver) << out.text;
  EXPECT_FALSE(fs::exists(db)) << "nothing to record without a GPU";
  fs::remove(bad);
}

// Options from ./kopt.toml (top level and a [command] section), overridden by the environment,
// which a flag overrides; a key kopt does not know is a usage error naming the file and key.
TEST(CliTest, AConfigFileSetsOptionsBelowTheEnvironmentAndFlags) {
  fs::path dir = fs::temp_directory_path() / ("kopt-config-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "kopt.toml") << "db = \"from-file.db\"\n[leaderboard]\nformat = \"json\"\n";
  std::string in_dir = "cd " + dir.string() + " && env -u KOPT_DB -u KOPT_CONFIG";
  Output file = testing::RunProgram(KOPT_BINARY, "leaderboard", "2>&1", in_dir);
  EXPECT_EQ(file.code, 2);
  EXPECT_NE(file.text.find("--db from-file.db: no results database"), std::string::npos)
      << file.text;
  Output env = testing::RunProgram(KOPT_BINARY, "leaderboard", "2>&1", in_dir + " KOPT_DB=env.db");
  EXPECT_NE(env.text.find("--db env.db: no results database"), std::string::npos) << env.text;
  Output flag = testing::RunProgram(KOPT_BINARY, "leaderboard --db flag.db", "2>&1",
                                    in_dir + " KOPT_DB=env.db");
  EXPECT_NE(flag.text.find("--db flag.db: no results database"), std::string::npos) << flag.text;

  std::ofstream(dir / "bad.toml") << "[leaderboard]\nformt = \"json\"\n";
  Output bad = testing::RunProgram(KOPT_BINARY, "--config bad.toml leaderboard", "2>&1", in_dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.text.find("kopt: --config bad.toml: INI was not able to parse leaderboard.formt"),
            std::string::npos)
      << bad.text;
  fs::remove_all(dir);
}

// A suite of copies of the tiny suite's copy task under a temporary folder: a task per name of
// `names`, its task.json and reference.cu passed through `edit(name, task_json, reference)`.
fs::path CopiesOfTheTinyTask(
    const std::string& folder, const std::vector<std::string>& names,
    const std::function<void(const std::string&, std::string&, std::string&)>& edit) {
  fs::path suite = fs::temp_directory_path() / (folder + "-" + std::to_string(::getpid()));
  fs::path tiny = fs::path(kRoot) / "tests/data/suites/tiny/copy_chunked";
  std::string task_json = ReadAll(tiny / "task.json"), reference = ReadAll(tiny / "reference.cu");
  for (const std::string& name : names) {
    fs::create_directories(suite / name);
    std::string task = task_json, source = reference;
    task.replace(task.find("\"copy_chunked\""), 14, "\"" + name + "\"");
    edit(name, task, source);
    std::ofstream(suite / name / "task.json") << task;
    std::ofstream(suite / name / "reference.cu") << source;
  }
  return suite;
}

// `kopt tasks --compile` compiles every reference as the evaluator would, without a GPU: a
// reference that does not compile, and one whose kernel lost its extern "C", are both named.
TEST(CliTest, TasksCompileFindsReferencesThatWouldNotRun) {
  fs::path suite =
      CopiesOfTheTinyTask("kopt-compile-suite", {"copy_chunked", "broken", "mangled"},
                          [](const std::string& name, std::string&, std::string& source) {
                            if (name == "broken")
                              source.replace(source.find("Y[i] = X[i];"), 12, "Y[i] = X[i]");
                            if (name == "mangled")
                              source.replace(source.find("extern \"C\" "), 11, "");
                          });
  Output out = Kopt("tasks --suite " + suite.string() + " --compile");
  EXPECT_EQ(out.code, 1) << out.text;
  std::map<std::string, std::string> verdicts;  // task -> its row's last column
  std::istringstream lines(out.text);
  for (std::string line; std::getline(lines, line);) {
    for (const std::string name : {"copy_chunked", "broken", "mangled"}) {
      if (line.find("  " + name + " ") != std::string::npos) {
        verdicts[name] = line.substr(line.find("  -  ") + 5);
      }
    }
  }
  EXPECT_EQ(verdicts["copy_chunked"], "       yes") << out.text;
  EXPECT_EQ(verdicts["broken"], "       no: reference") << out.text;
  EXPECT_EQ(verdicts["mangled"], "       no: reference") << out.text;
  EXPECT_NE(out.text.find((suite / "broken" / "reference.cu").string() + " (sm_90a):"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("error: expected a \";\""), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("declare it extern \"C\""), std::string::npos) << out.text;
  Output listed = Kopt("tasks --suite " + suite.string());
  EXPECT_EQ(listed.code, 0) << "without --compile, only the files are checked";
  fs::remove_all(suite);
}

// `kopt tasks` reads a whole suite and names every bad task: here a repeated key and a size no
// GPU holds, each with its file and field, and exits 2.
TEST(CliTest, TasksNamesEveryBadTaskOfASuite) {
  fs::path suite =
      CopiesOfTheTinyTask("kopt-bad-suite", {"copy_chunked", "repeated_key", "too_large"},
                          [](const std::string& name, std::string& task, std::string&) {
                            if (name == "repeated_key")
                              task.replace(task.find("\"flops\""), 0, "\"bytes\": \"4*N\", ");
                            if (name == "too_large")
                              task.replace(task.find("16777216"), 8, "4400000000000");
                          });
  Output out = Kopt("tasks --suite " + suite.string());
  EXPECT_EQ(out.code, 2) << out.text;
  EXPECT_NE(out.text.find("2 of 3 tasks are invalid"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("repeated_key/task.json: the key \"bytes\" appears twice in one object"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("too_large/task.json: symbols: the tensors need 32782 GiB"),
            std::string::npos)
      << out.text;
  fs::remove_all(suite);
}

TEST(CliTest, GpuCommandsSayClearlyWhenThereIsNoDriver) {
  if (DriverAvailable()) GTEST_SKIP() << "this machine has a GPU driver";
  Output doctor = Kopt("doctor --quick");
  EXPECT_EQ(doctor.code, 1);
  EXPECT_NE(doctor.text.find("no CUDA driver"), std::string::npos) << doctor.text;
  EXPECT_NE(doctor.text.find("`kopt compile` work here"), std::string::npos) << doctor.text;
  Output eval = Kopt("eval transpose_fp32 " + kRoot + "/tasks/quick/transpose_fp32/starter.cu");
  EXPECT_EQ(eval.code, 1);
  EXPECT_NE(eval.text.find("no CUDA driver"), std::string::npos) << eval.text;
  // Several GPUs named: each would get a worker, and the first to start says what is missing.
  Output pool = Kopt("optimize --task transpose_fp32 --gpus 0,1 --quiet");
  EXPECT_EQ(pool.code, 1) << pool.text;
  EXPECT_NE(pool.text.find("no CUDA driver"), std::string::npos) << pool.text;
}

TEST(CliTest, GpusAreIndexesAndExcludeDevice) {
  Output negative = Kopt("optimize --task transpose_fp32 --gpus 0,-1");
  EXPECT_EQ(negative.code, 2) << negative.text;
  EXPECT_NE(negative.text.find("--gpus"), std::string::npos) << negative.text;
  Output both = Kopt("optimize --task transpose_fp32 --gpus 0,1 --device 1");
  EXPECT_EQ(both.code, 2) << both.text;
  EXPECT_NE(both.text.find("excludes"), std::string::npos) << both.text;
  Output word = Kopt("optimize --task transpose_fp32 --gpus zero");
  EXPECT_EQ(word.code, 2) << word.text;
}

TEST(CliTest, DoctorSaysWhichPyTorchGivesTheBaselinesOrWhyNone) {
  // A stand-in interpreter: this machine's python3 with the test's fake torch on its path.
  fs::path python = fs::temp_directory_path() / ("kopt_e2e_python_" + std::to_string(::getpid()));
  std::ofstream(python) << "#!/bin/sh\nPYTHONPATH=" << kRoot
                        << "/tests/data/fake_torch exec python3 \"$@\"\n";
  fs::permissions(python, fs::perms::owner_all);
  Output found = testing::RunKopt("doctor --quick --python " + python.string());
  EXPECT_NE(found.text.find("PyTorch     PyTorch 0.0+fake (no Triton) in " + python.string()),
            std::string::npos)
      << found.text;
  Output off = testing::RunKopt("doctor --quick --no-torch");
  EXPECT_NE(off.text.find("PyTorch     off (--no-torch)"), std::string::npos) << off.text;
  Output missing = testing::RunKopt("doctor --quick --python " + python.string() + ".missing");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.text.find("--python " + python.string() + ".missing: not an executable"),
            std::string::npos)
      << missing.text;
  fs::remove(python);
}

TEST(CliTest, ProfileFlagsAreCheckedBeforeAnyGpuWork) {
  std::string candidate = kRoot + "/tasks/quick/transpose_fp32/starter.cu";
  Output level = Kopt("eval transpose_fp32 " + candidate + " --profile=full");
  EXPECT_EQ(level.code, 2);
  EXPECT_NE(level.text.find("full not in {default,deep}"), std::string::npos) << level.text;
  Output untimed = Kopt("eval transpose_fp32 " + candidate + " --profile --no-time");
  EXPECT_EQ(untimed.code, 2);
  EXPECT_NE(untimed.text.find("cannot be combined with --no-time"), std::string::npos)
      << untimed.text;
  Output metrics = Kopt("eval transpose_fp32 " + candidate + " --metrics x --no-time");
  EXPECT_EQ(metrics.code, 2) << metrics.text;
  // `--profile deep` is `--profile=deep`, not a flag followed by the task.
  Output spaced = Kopt("eval --profile deep transpose_fp32 " + candidate + " --no-time");
  EXPECT_EQ(spaced.code, 2) << spaced.text;
  EXPECT_NE(spaced.text.find("cannot be combined with --no-time"), std::string::npos)
      << spaced.text;
  if (DriverAvailable()) return;
  Output no_driver = Kopt("eval transpose_fp32 " + candidate + " --profile=deep");
  EXPECT_EQ(no_driver.code, 1);
  EXPECT_NE(no_driver.text.find("no CUDA driver"), std::string::npos) << no_driver.text;
}

// A newcomer's slips: an unknown command gets the closest one, --db after the command works, and
// a number out of range is printed as it was written, with the range in plain numbers.
TEST(CliTest, UsageSlipsGetAClearAnswerAndExitWithTwo) {
  Output typo = Kopt("leaderbord");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.text.find("unknown command 'leaderbord'; did you mean 'leaderboard'?"),
            std::string::npos)
      << typo.text;
  Output prefix = Kopt("sched");
  EXPECT_NE(prefix.text.find("did you mean 'schedules'?"), std::string::npos) << prefix.text;
  Output nothing_close = Kopt("frobnicate");
  EXPECT_EQ(nothing_close.code, 2);
  EXPECT_EQ(nothing_close.text.find("did you mean"), std::string::npos) << nothing_close.text;

  std::string missing = (fs::temp_directory_path() / "kopt-no-such.db").string();
  for (const std::string& order :
       {"--db " + missing + " leaderboard", "leaderboard --db " + missing}) {
    Output db = Kopt(order);
    EXPECT_EQ(db.code, 2) << order;
    EXPECT_NE(db.text.find("--db " + missing + ": no results database there"), std::string::npos)
        << order << "\n"
        << db.text;
  }
  EXPECT_FALSE(fs::exists(missing));

  for (const auto& [flags, message] : std::vector<std::pair<std::string, std::string>>{
           {"--budget-usd -1", "--budget-usd: must be at least 0, got -1"},
           {"--timeout 0", "--timeout: must be greater than 0, got 0"},
           {"--keep 5", "--keep: must be between 0 and 1, got 5"},
           {"--keep x", "--keep: must be a number, got 'x'"},
           {"--menu-weights learned --keep 0.2 --menu-floor 0.3",
            "--menu-floor 0.3 is above --keep 0.2"}}) {
    Output range = Kopt("optimize " + flags);
    EXPECT_EQ(range.code, 2) << flags;
    EXPECT_NE(range.text.find(message), std::string::npos) << range.text;
    EXPECT_EQ(range.text.find("000000"), std::string::npos) << range.text;
  }
}

}  // namespace
}  // namespace kopt
