// SPDX-License-Identifier: Apache-2.0
// Rendered prompts are compared with golden files in tests/data/golden/prompts/. After changing a
// template or the facts code on purpose, regenerate them with
//   KOPT_UPDATE_GOLDEN=1 build/tests/unit/prompts_unit_test --gtest_filter='PromptGolden*'
// and review the diff like code.
#include "prompts/prompts.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "prompts/prompt_facts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kopt {
namespace {

namespace fs = std::filesystem;

const std::string kGolden = std::string(KOPT_SOURCE_DIR) + "/tests/data/golden/prompts/";

DeviceInfo H100() {
  DeviceInfo d;
  d.name = "NVIDIA H100 80GB HBM3";
  d.cc_major = 9;
  d.cc_minor = 0;
  d.arch = "sm_90a";
  d.sm_count = 132;
  d.memory_bytes = 85045477376;
  d.l2_bytes = 52428800;
  d.sm_clock_khz = 1980000;
  d.memory_clock_khz = 2619000;
  d.memory_bus_bits = 5120;
  return d;
}

struct Fixture {
  Task task = ParseTask(ReadFile(kGolden + "task.json"), "task.json");
  Menu menu = LoadMenu(kGolden + "menu.json");
  std::string parent = ReadFile(kGolden + "parent.cu");
  PromptLibrary library;

  PlanPromptContext Plan() const {
    PlanPromptContext c;
    c.task = &task;
    c.device = H100();
    c.parent.code = parent;
    c.parent.latency_ms = 1.234;
    c.parent.speedup = Speedup{1.0, 0.99, 1.01};
    c.parent.baseline_speedup = Speedup{0.08, 0.079, 0.081};
    c.parent.latency_to_beat = "96.3 us (cuBLASLt fp32 GEMM)";
    c.parent.profile = DescribeResources({{"gemm_naive", 40, 0, 0, 0, 0}}) +
                       "achieved occupancy 91%, DRAM throughput 12% of peak, L1 hit rate 88%\n";
    Roofline r;
    r.fraction = 0.021;
    r.bound = "compute";
    r.floor_ms = 0.0259;
    r.achieved_gbps = 7.6;
    r.achieved_tflops = 1.74;
    c.parent.roofline = DescribeRoofline(r);
    c.parent.history = {"mem.coalescing: threads along N read B coalesced, 1.9x"};
    c.menu = menu.entries;
    c.phase = 2;
    c.phases = 8;
    return c;
  }
};

void ExpectGolden(const std::string& name, const std::string& text) {
  std::string path = kGolden + name;
  if (std::getenv("KOPT_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << text;
    GTEST_SKIP() << "wrote " << path;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with KOPT_UPDATE_GOLDEN=1";
  EXPECT_EQ(text, ReadFile(path)) << "the rendering of " << name
                                  << " changed; if on purpose, regenerate (see this file's header)";
}

TEST(PromptGoldenTest, PlanChoosingFromTheMenu) {
  Fixture f;
  ExpectGolden("plan_choose.txt", RenderPlanPrompt(f.library, f.Plan()));
}

// The free search after a replay: the schedules that worked on similar tasks, step by step.
TEST(PromptGoldenTest, PlanWithTheSchedulesOfSimilarTasks) {
  Fixture f;
  Schedule s;
  s.task.name = "gemm_fp32_2048";
  s.gpu = "NVIDIA H100 80GB HBM3";
  s.speedup = 4.6;
  ScheduleStep coalesce;
  coalesce.option = "mem.coalescing";
  coalesce.plan = "Let threads along N read B coalesced.\nMore detail.";
  coalesce.gain = 1.9;
  ScheduleStep tile;
  tile.option = "mem.smem_tiling";
  tile.plan = "Stage 64x32 tiles of A and 32x64 tiles of B in shared memory.";
  tile.gain = 2.41;
  tile.tried = {{"mem.vectorized_loads", "Load float4.", "wrong_answer", std::nullopt}};
  ScheduleStep tune;
  tune.option = "tune";
  tune.gain = 1.02;
  s.steps = {coalesce, tile, tune};
  PlanPromptContext c = f.Plan();
  c.schedules = ScheduleSummary(s, {"same op class (gemm)", "same dtypes (f32,f32 -> f32)"});
  ExpectGolden("plan_schedules.txt", RenderPlanPrompt(f.library, c));
}

TEST(PromptGoldenTest, PlanWithAForcedOption) {
  Fixture f;
  PlanPromptContext c = f.Plan();
  c.mode = PlanMode::kForced;
  c.forced_option = "tc.mma_sync";
  c.phase = 8;
  ExpectGolden("plan_forced.txt", RenderPlanPrompt(f.library, c));
}

TEST(PromptGoldenTest, PlanInventingWithNothingMeasured) {
  Fixture f;
  PlanPromptContext c = f.Plan();
  c.mode = PlanMode::kInvent;
  c.parent = ParentKernel{};
  c.parent.code = f.parent;
  c.phase = 1;
  ExpectGolden("plan_invent_unmeasured.txt", RenderPlanPrompt(f.library, c));
}

TEST(PromptGoldenTest, Implementation) {
  Fixture f;
  ImplementPromptContext c;
  c.task = &f.task;
  c.device = H100();
  c.parent_code = f.parent;
  c.parent_latency_ms = 1.234;
  c.option = f.menu.Find("mem.smem_tiling");
  c.plan = "Stage 64x32 tiles of A and 32x64 tiles of B in shared memory per 16x16 block.\n";
  ExpectGolden("implement.txt", RenderImplementPrompt(f.library, c));
}

// A plan replayed from a schedule made on a similar task: where it comes from, by how much it
// helped there, why the tasks compare, and what failed beside it there.
TEST(PromptGoldenTest, ImplementationOfAReplayedStep) {
  Fixture f;
  Schedule schedule;
  schedule.task.name = "gemm_fp32_2048";
  schedule.gpu = "NVIDIA H100 80GB HBM3";
  schedule.arch = "sm_90a";
  ScheduleStep coalesce;
  coalesce.option = "mem.coalescing";
  coalesce.gain = 1.9;
  ScheduleStep tile;
  tile.option = "mem.smem_tiling";
  tile.plan = "Stage 64x32 tiles of A and 32x64 tiles of B in shared memory per 16x16 block.\n";
  tile.gain = 2.41;
  tile.tried = {{"mem.vectorized_loads", "Load A and B as float4.", "wrong_answer", std::nullopt},
                {"loop.unroll_k", "Unroll the K loop by 8.", "slower", 0.93}};
  schedule.steps = {coalesce, tile};
  ImplementPromptContext c;
  c.task = &f.task;
  c.device = H100();
  c.parent_code = f.parent;
  c.parent_latency_ms = 1.234;
  c.option = f.menu.Find("mem.smem_tiling");
  c.plan = tile.plan;
  c.replay = ReplayNote(schedule, 1, {"same op class (gemm)", "same dtypes (f32,f32 -> f32)"});
  ExpectGolden("implement_replay.txt", RenderImplementPrompt(f.library, c));
}

TEST(PromptGoldenTest, RepairOfACompileError) {
  Fixture f;
  RepairPromptContext c;
  c.task = &f.task;
  c.device = H100();
  c.option = &f.menu.Invent();
  c.plan = "Use a warp-level reduction over K.";
  c.failed_code = f.parent;
  c.status = "compile_error";
  c.report = "candidate.cu(12): error: identifier \"acc2\" is undefined\n1 error detected.\n";
  ExpectGolden("repair_compile_error.txt", RenderRepairPrompt(f.library, c));
}

TEST(PromptGoldenTest, RepairOfAWrongAnswer) {
  Fixture f;
  RepairPromptContext c;
  c.task = &f.task;
  c.device = H100();
  c.option = f.menu.Find("tc.mma_sync");
  c.plan = "Use mma.sync.";
  c.failed_code = f.parent;
  c.status = "wrong_answer";
  c.report =
      "C: 512 of 33153 elements differ (first C[0, 256]: expected 1.25, got nan) at M=129 N=257 "
      "K=40";
  ExpectGolden("repair_wrong_answer.txt", RenderRepairPrompt(f.library, c));
}

TEST(PromptsTest, PlanPromptStatesTheContract) {
  Fixture f;
  std::string text = RenderPlanPrompt(f.library, f.Plan());
  for (const char* needle :
       {"NVIDIA H100 80GB HBM3", "- SMs: 132", "3352 GB/s theoretical peak", "L2 cache: 50 MiB",
        "sm_90a", "A: input, bf16 (const __nv_bfloat16*), [M, K] = [2048, 512]", "K=40 M=129 N=257",
        "alpha: f32 (float) = 0.5", "1.234 ms", "1.00x (noise band",
        "2% of the compute-bound floor", "gemm_naive: 40 registers/thread",
        "- `tc.mma_sync`: Tensor cores with mma.sync.", "Choose exactly one option",
        "This is phase 2 of 8", "Option: <the option's id", "extern \"C\" __global__",
        "mem.coalescing: threads along N"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
  // The invent entry is on offer when choosing, but not in the list an invent prompt shows.
  EXPECT_NE(text.find("- `invent`: Invent an optimization"), std::string::npos);
  PlanPromptContext invent = f.Plan();
  invent.mode = PlanMode::kInvent;
  std::string invent_text = RenderPlanPrompt(f.library, invent);
  EXPECT_EQ(invent_text.find("- `invent`"), std::string::npos);
  EXPECT_NE(invent_text.find("Option: invent"), std::string::npos);
  EXPECT_EQ(text.find("{{"), std::string::npos);
}

TEST(PromptsTest, UnmeasuredFactsSaySo) {
  Fixture f;
  PlanPromptContext c = f.Plan();
  c.parent = ParentKernel{};
  c.parent.code = f.parent;
  std::string text = RenderPlanPrompt(f.library, c);
  EXPECT_NE(text.find("Latency at the timed size: not measured"), std::string::npos);
  EXPECT_NE(text.find("Roofline: not measured"), std::string::npos);
  EXPECT_NE(text.find("Profile: not measured"), std::string::npos);
  EXPECT_EQ(text.find("Speedup over"), std::string::npos);
  EXPECT_EQ(text.find("Steps that led"), std::string::npos);
}

TEST(PromptsTest, RepairCarriesTheReportOnceAndTrimsLongLogs) {
  Fixture f;
  RepairPromptContext c;
  c.task = &f.task;
  c.device = H100();
  c.option = f.menu.Find("tc.mma_sync");
  c.plan = "Use mma.sync.";
  c.failed_code = f.parent;
  c.status = "compile_error";
  for (int i = 0; i < 500; ++i) c.report += "candidate.cu(" + std::to_string(i) + "): error: x\n";
  std::string text = RenderRepairPrompt(f.library, c);
  EXPECT_NE(text.find("candidate.cu(0): error: x"), std::string::npos);
  EXPECT_NE(text.find("candidate.cu(79): error: x"), std::string::npos);
  EXPECT_EQ(text.find("candidate.cu(80): error: x"), std::string::npos);
  EXPECT_NE(text.find("[420 more lines not shown]"), std::string::npos);
  EXPECT_NE(text.find("NVRTC could not compile it"), std::string::npos);
  EXPECT_EQ(text.find("It ran, but its output"), std::string::npos);
  EXPECT_NE(text.find("Use mma.sync."), std::string::npos);  // the plan travels with the repair
}

TEST(PromptsTest, EmbeddedTemplatesMatchTheSourceFiles) {
  PromptLibrary library;
  EXPECT_EQ(library.Names(),
            (std::vector<std::string>{"candidate_format", "implement", "plan", "repair", "rules"}));
  for (const auto& name : library.Names()) {
    EXPECT_EQ(library.Get(name).source(),
              ReadFile(std::string(KOPT_SOURCE_DIR) + "/prompts/templates/" + name + ".md"))
        << name;
  }
}

class PromptOverrideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kopt_prompts_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string LoadError() {
    try {
      PromptLibrary::WithOverrides(dir_.string());
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(PromptOverrideTest, AFileInTheFolderReplacesThatTemplate) {
  Write("plan.md", "Plan {{task_name}} for {{arch}}, phase {{phase}}/{{phases}}.\n{{>rules}}");
  Write("notes.txt", "not a template, ignored");
  PromptLibrary library = PromptLibrary::WithOverrides(dir_.string());
  Fixture f;
  std::string text = RenderPlanPrompt(library, f.Plan());
  EXPECT_EQ(text.rfind("Plan gemm_bf16 for sm_90a, phase 2/8.\n1. Device code only.", 0), 0u)
      << text;
  // The other templates stay built in.
  EXPECT_EQ(library.Get("implement").source(), PromptLibrary().Get("implement").source());
}

TEST_F(PromptOverrideTest, BadOverridesFailWhenLoadedNamingTheFile) {
  Write("plan.md", "{{task}}\n{{#choose}}\n{{parent_latency}}\n{{/choose}}\n");
  std::string e = LoadError();
  EXPECT_NE(e.find((dir_ / "plan.md").string() + ": line 3: unknown variable 'parent_latency'"),
            std::string::npos)
      << e;
  Write("plan.md", "{{#choose}}never closed\n");
  EXPECT_NE(LoadError().find("section 'choose' is never closed"), std::string::npos);
  fs::remove(dir_ / "plan.md");
  Write("rules.md", "{{latency}}");  // rules are shared: implement has no latency
  EXPECT_NE(LoadError().find("rules.md: line 1: unknown variable 'latency'"), std::string::npos);
  fs::remove(dir_ / "rules.md");
  Write("plans.md", "x");
  EXPECT_NE(LoadError().find("plans.md: not a kopt prompt template"), std::string::npos);
  EXPECT_THROW(PromptLibrary::WithOverrides((dir_ / "missing").string()), ConfigError);
}

}  // namespace
}  // namespace kopt
