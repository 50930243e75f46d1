// SPDX-License-Identifier: Apache-2.0
// The PyTorch package of an exported kernel, read by the real python3 with the stand-in torch of
// tests/data/fake_torch (no GPU): for every task of the repository, with its reference as the
// winner, the package's launch plan at every size equals ResolveLaunchBlock's; calls outside the
// contract raise naming what is wrong; text from the store cannot become Python code.
#include "results/torch_package.h"

#include "core/host_values.h"
#include "core/json_fields.h"
#include "tests/support/run_kopt.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace kopt {
namespace {

using testing::RunProgram;
using testing::TempDir;

const std::string kSource = KOPT_SOURCE_DIR;
const std::string kH100 = "NVIDIA H100 80GB HBM3";

bool HavePython() { return std::system("python3 -c 'pass' > /dev/null 2>&1") == 0; }

// `source` (the task's reference when empty) as the leaderboard's winner on the H100.
ExportItem WinnerOf(const Task& task, const std::string& suite, const std::string& source = "") {
  ExportItem item;
  item.entry.task = task.name;
  item.entry.suite = suite;
  item.entry.task_hash = task.content_hash;
  item.entry.device = kH100;
  LeaderboardBest best;
  best.candidate_id = 7;
  best.evaluation_id = 9;
  best.proposer = "reference";
  best.event_ms.median = 0.5;
  best.speedup = Speedup{1.0, 0.98, 1.02};
  item.entry.best = best;
  NewCandidate& c = item.candidate.candidate;
  c.source = source.empty() ? task.reference_source : source;
  c.tunables = ChooseTunables(ParseLaunchBlock(c.source, "kernel.cu"), {});
  c.key = "key-of-" + task.name;
  item.stem = task.name;
  item.arch = "sm_90a";
  return item;
}

// tests/data/torch_package_check.py ARGS, with the stand-in torch.
testing::Output PackageCheck(const std::string& args) {
  return RunProgram("python3", kSource + "/tests/data/torch_package_check.py " + args, "2>&1",
                    "PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=" + kSource + "/tests/data/fake_torch");
}

std::string RunCheck(const std::string& args) {
  testing::Output out = PackageCheck(args);
  EXPECT_EQ(out.code, 0) << out.text;
  return out.text;
}

nlohmann::json ExpectedArg(const LaunchArg& a) {
  switch (a.kind) {
    case LaunchArg::Kind::kTensor:
      return {"tensor", a.name};
    case LaunchArg::Kind::kWorkspace:
      return {"workspace", a.name};
    case LaunchArg::Kind::kInt32:
      return {"i32", a.int_value};
    case LaunchArg::Kind::kInt64:
      return {"i64", a.int_value};
    case LaunchArg::Kind::kTensorMap:
      return {"tensor_map", a.name};
    case LaunchArg::Kind::kScalar:
      break;
  }
  return {"bits", DTypeSize(a.scalar_dtype), ScalarBits(a.scalar_dtype, a.scalar_value)};
}

nlohmann::json Dims(const std::array<std::uint32_t, 3>& d) { return {d[0], d[1], d[2]}; }

// The package of each winner, the sizes to plan at, and the plans python3 made of them.
struct Exported {
  Task task;
  ExportItem item;
  std::vector<SymbolTable> sizes;
};

nlohmann::json PlansOf(const std::map<std::string, Exported>& packages, const TempDir& dir) {
  nlohmann::json request = nlohmann::json::array();
  for (const auto& [name, e] : packages) {
    request.push_back({{"package", name}, {"sizes", e.sizes}});
  }
  std::ofstream(dir.File("request.json")) << request.dump();
  return nlohmann::json::parse(RunCheck("plans " + dir.path() + " " + dir.File("request.json")));
}

std::string Add(std::map<std::string, Exported>& packages, const TempDir& dir, Task task,
                ExportItem item, std::vector<SymbolTable> sizes) {
  TorchPackage package = MakeTorchPackage(item, task, "sm_90a", "stand-in cubin");
  WriteTorchPackage(package, dir.path());
  packages.emplace(package.name, Exported{std::move(task), std::move(item), std::move(sizes)});
  return package.name;
}

// Every planned size against ResolveLaunchBlock: the variant, every launch, the workspace, the
// tensor maps' encoding parameters, and the shapes.
void ExpectPlansMatch(const std::map<std::string, Exported>& packages,
                      const nlohmann::json& plans) {
  for (const auto& [name, e] : packages) {
    LaunchBlock block = ParseLaunchBlock(e.item.candidate.candidate.source, "kernel.cu");
    ASSERT_EQ(plans[name].size(), e.sizes.size()) << name;
    for (std::size_t s = 0; s < e.sizes.size(); ++s) {
      SCOPED_TRACE(name + " at size " + nlohmann::json(e.sizes[s]).dump());
      const nlohmann::json& got = plans[name][s];
      EXPECT_EQ(got["symbols"], nlohmann::json(e.sizes[s]));
      nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
      for (const TensorSpec& t : e.task.tensors) {
        (t.role == TensorRole::kInput ? inputs : outputs).push_back(TensorShape(t, e.sizes[s]));
      }
      EXPECT_EQ(got["inputs"], inputs);
      EXPECT_EQ(got["outputs"], outputs);
      LaunchPlan plan = ResolveLaunchBlock(block, e.task, e.sizes[s],
                                           e.item.candidate.candidate.tunables, DeviceLimits{});
      EXPECT_EQ(got["variant"], plan.variant);
      ASSERT_EQ(got["launches"].size(), plan.launches.size());
      for (std::size_t i = 0; i < plan.launches.size(); ++i) {
        const ResolvedLaunch& want = plan.launches[i];
        const nlohmann::json& l = got["launches"][i];
        EXPECT_EQ(l["kernel"], want.kernel);
        EXPECT_EQ(l["grid"], Dims(want.grid));
        EXPECT_EQ(l["block"], Dims(want.block));
        EXPECT_EQ(l["cluster"], want.cluster[0] ? Dims(want.cluster) : nlohmann::json());
        EXPECT_EQ(l["smem"], want.smem);
        nlohmann::json args = nlohmann::json::array();
        for (const LaunchArg& a : want.args) args.push_back(ExpectedArg(a));
        EXPECT_EQ(l["args"], args);
      }
      nlohmann::json workspace = nlohmann::json::array();
      for (const auto& [w, bytes] : plan.workspace_bytes) {
        workspace.push_back({w, std::max<std::int64_t>(bytes, 1)});
      }
      EXPECT_EQ(got["workspace"], workspace);
      ASSERT_EQ(got["tensor_maps"].size(), plan.tensor_maps.size());
      for (std::size_t m = 0; m < plan.tensor_maps.size(); ++m) {
        const TensorMapParams& want = plan.tensor_maps[m].params;
        const nlohmann::json& map = got["tensor_maps"][m];
        nlohmann::json dims = nlohmann::json::array(), strides = nlohmann::json::array(),
                       box = nlohmann::json::array();
        for (int d = 0; d < want.rank; ++d) {
          dims.push_back(want.global_dim[d]);
          box.push_back(want.box[d]);
          if (d > 0) strides.push_back(want.global_stride_bytes[d - 1]);
        }
        EXPECT_EQ(map["name"], plan.tensor_maps[m].name);
        EXPECT_EQ(map["buffer"], plan.tensor_maps[m].buffer);
        EXPECT_EQ(map["dtype"], DTypeName(want.dtype));
        EXPECT_EQ(map["dims"], dims);
        EXPECT_EQ(map["strides"], strides);
        EXPECT_EQ(map["box"], box);
        EXPECT_EQ(map["swizzle"], static_cast<int>(want.swizzle));
        EXPECT_EQ(map["l2_promotion"], static_cast<int>(want.l2_promotion));
        EXPECT_EQ(map["oob_fill"], static_cast<int>(want.oob_fill));
      }
    }
  }
}

TEST(TorchPackageTest, ThePythonPlanEqualsTheLaunchBlockForEveryTaskAtEverySize) {
  if (!HavePython()) GTEST_SKIP() << "no python3 on PATH";
  TempDir dir;
  std::map<std::string, Exported> packages;
  for (const std::string suite : {"quick", "core"}) {
    for (Task& task : LoadSuite(kSource + "/tasks/" + suite)) {
      ExportItem item = WinnerOf(task, suite);
      std::vector<SymbolTable> sizes = task.AllSizes();
      Add(packages, dir, std::move(task), std::move(item), std::move(sizes));
    }
  }
  ASSERT_GE(packages.size(), 30u);
  ExpectPlansMatch(packages, PlansOf(packages, dir));
}

// The Hopper candidates: launch variants chosen per size (the TMA path where rows are 16-byte
// aligned, the plain one elsewhere) and tensor maps with the parameters the worker encodes.
TEST(TorchPackageTest, VariantsAndTensorMapsPlanAsTheWorkerResolvesThem) {
  if (!HavePython()) GTEST_SKIP() << "no python3 on PATH";
  TempDir dir;
  std::map<std::string, Exported> packages;
  const std::string hopper = kSource + "/tests/data/candidates/hopper/";
  Task transpose = LoadTask(kSource + "/tasks/quick/transpose_fp32");
  std::vector<SymbolTable> sizes = transpose.AllSizes();
  sizes.push_back({{"ROWS", 64}, {"COLS", 96}});   // aligned: the TMA variant
  sizes.push_back({{"ROWS", 130}, {"COLS", 77}});  // not: the plain one
  ExportItem item = WinnerOf(transpose, "quick", ReadFile(hopper + "transpose_fp32_tma.cu"));
  std::string transpose_name = Add(packages, dir, transpose, item, sizes);
  Task gemm = LoadTask(kSource + "/tasks/core/gemm_bf16_4096");
  ExportItem gemm_item = WinnerOf(gemm, "core", ReadFile(hopper + "gemm_bf16_tma_wgmma.cu"));
  std::vector<SymbolTable> gemm_sizes = gemm.AllSizes();
  Add(packages, dir, gemm, gemm_item, gemm_sizes);
  nlohmann::json plans = PlansOf(packages, dir);
  ExpectPlansMatch(packages, plans);
  // Both variants were planned, and the TMA one with its two maps.
  std::set<int> variants;
  for (const auto& row : plans[transpose_name]) variants.insert(row["variant"].get<int>());
  EXPECT_EQ(variants, (std::set<int>{0, 1}));
  EXPECT_EQ(plans[transpose_name][0]["tensor_maps"].size(), 2u);
}

TEST(TorchPackageTest, CallsOutsideTheContractRaiseNamingWhatIsWrong) {
  if (!HavePython()) GTEST_SKIP() << "no python3 on PATH";
  TempDir dir;
  Task task = LoadTask(kSource + "/tasks/quick/rmsnorm_bf16");
  TorchPackage package =
      MakeTorchPackage(WinnerOf(task, "quick"), task, "sm_90a", "stand-in cubin");
  EXPECT_EQ(package.name, "kopt_rmsnorm_bf16");
  EXPECT_EQ(package.op, "kopt::rmsnorm_bf16");
  WriteTorchPackage(package, dir.path());
  nlohmann::json errors =
      nlohmann::json::parse(RunCheck("rejects " + dir.path() + " " + package.name));
  auto expect = [&](const std::string& label, const std::string& words) {
    ASSERT_TRUE(errors[label].is_string()) << label << " was accepted: " << errors.dump(1);
    std::string text = errors[label];
    EXPECT_NE(text.find("kopt::rmsnorm_bf16: "), std::string::npos) << text;
    EXPECT_NE(text.find(words), std::string::npos) << label << ": " << text;
  };
  expect("dtype", "X must be bf16 (torch.bfloat16); it is f64");
  expect("rank", "X must have 2 dimensions [ROWS, HIDDEN]");
  expect("device", "X must be a CUDA tensor; it is on cpu");
  expect("contiguous", "X must be contiguous");
  expect("alignment", "X must start on a 256-byte boundary");
  expect("count", "takes 2 tensors (X, W), got 1");
  expect("above", "HIDDEN = 4097 is above 4096, the largest value the kernel was checked at");
  expect("zero", "HIDDEN = 0; every size must be at least 1");
  expect("mismatch", "W.shape[0] is 4097, but HIDDEN is 4096 from X.shape[1]");
}

TEST(TorchPackageTest, SizesOutsideTheRaggedSymbolsMustBeOnesThatWereChecked) {
  if (!HavePython()) GTEST_SKIP() << "no python3 on PATH";
  TempDir dir;
  // gemm_fp32 with only M ragged: N and K may take the checked pairs only.
  Task task = LoadTask(kSource + "/tasks/quick/gemm_fp32");
  task.contract.ragged = {{"M", 1}};
  WriteTorchPackage(MakeTorchPackage(WinnerOf(task, "quick"), task, "sm_90a", "stand-in cubin"),
                    dir.path());
  nlohmann::json request = nlohmann::json::array(
      {{{"package", "kopt_gemm_fp32"},
        {"sizes", {{{"M", 100}, {"N", 1024}, {"K", 1024}}, {{"M", 7}, {"N", 383}, {"K", 129}}}}}});
  std::ofstream(dir.File("ok.json")) << request.dump();
  nlohmann::json plans =
      nlohmann::json::parse(RunCheck("plans " + dir.path() + " " + dir.File("ok.json")));
  EXPECT_EQ(plans["kopt_gemm_fp32"].size(), 2u) << "M varies freely; (N, K) were checked";

  request[0]["sizes"] = {{{"M", 100}, {"N", 1024}, {"K", 129}}};
  std::ofstream(dir.File("bad.json")) << request.dump();
  testing::Output out = PackageCheck("plans " + dir.path() + " " + dir.File("bad.json"));
  EXPECT_NE(out.code, 0);
  EXPECT_NE(out.text.find("the kernel was never checked at K=129 N=1024 (checked: K=1024 "
                          "N=1024; K=129 N=383; only M may vary)"),
            std::string::npos)
      << out.text;
}

TEST(TorchPackageTest, StoreTextCannotBecomePythonCode) {
  if (!HavePython()) GTEST_SKIP() << "no python3 on PATH";
  TempDir dir;
  std::string marker = dir.File("INJECTED");
  Task task = LoadTask(kSource + "/tasks/quick/softmax_rows");
  ExportItem item = WinnerOf(task, "quick");
  std::string payload = "__import__('os').system('touch " + marker + "')";
  item.candidate.candidate.plan = "Fuse.\r" + payload + "\n\"\"\"\n" + payload + "\n#\\";
  item.candidate.candidate.menu_option_id = "x\r" + payload;
  item.entry.device = "GPU\"\n" + payload + "\n\"";
  TorchPackage package = MakeTorchPackage(item, task, "sm_90a", "stand-in cubin");
  WriteTorchPackage(package, dir.path());
  nlohmann::json request = nlohmann::json::array(
      {{{"package", package.name}, {"sizes", nlohmann::json::array({task.symbols})}}});
  std::ofstream(dir.File("request.json")) << request.dump();
  RunCheck("plans " + dir.path() + " " + dir.File("request.json"));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the package ran text from the store";
  std::ifstream in(dir.File(package.name + "/__init__.py"));
  std::string init((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(init.find("# plan [x " + payload + "]: Fuse. " + payload), std::string::npos) << init;
  EXPECT_NE(init.find("GPU = \"GPU\\\"\\n__import__"), std::string::npos) << init;
}

TEST(TorchPackageTest, ComputeCapabilitiesComeFromTheArchitecture) {
  EXPECT_EQ(ComputeCapabilityOf("sm_90a"), std::make_pair(9, 0));
  EXPECT_EQ(ComputeCapabilityOf("sm_100a"), std::make_pair(10, 0));
  EXPECT_EQ(ComputeCapabilityOf("sm_86"), std::make_pair(8, 6));
  EXPECT_THROW(ComputeCapabilityOf("compute_90"), ConfigError);
  EXPECT_THROW(ComputeCapabilityOf("sm_9"), ConfigError);
  EXPECT_THROW(ComputeCapabilityOf(""), ConfigError);
}

}  // namespace
}  // namespace kopt
