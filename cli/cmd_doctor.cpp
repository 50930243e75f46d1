// SPDX-License-Identifier: Apache-2.0
// `kopt doctor`: is this machine ready? Driver, GPUs, NVRTC, CUPTI, counter permission, the
// measured copy bandwidth, the roofline's ceilings and a real counter collection. Without a
// driver it says which commands need one.
#include "cli/command.h"
#include "cli/print.h"
#include "cli/torch_baselines.h"
#include "evaluator/cuda_evaluator.h"
#include "evaluator/worker/cupti_metrics.h"
#include "evaluator/worker/doctor.h"

namespace kopt::cli {
namespace {

void PrintProfiling(const DoctorDevice& d) {
  if (d.peaks) {
    const DevicePeaks& p = *d.peaks;
    Print(
        "            peaks (%s): DRAM %.0f GB/s (copy %.0f, read %.0f), fp32 FMA %.1f TFLOP/s, "
        "bf16 %.0f, fp16 %.0f TFLOP/s (tensor cores)\n",
        d.peaks_cached
            ? ("cached, measured " + p.measured_at).c_str()
            : ("measured in " + std::to_string(static_cast<int>(p.measure_ms)) + " ms").c_str(),
        p.dram_gbps, p.copy_gbps, p.read_gbps, p.fp32_tflops, p.bf16_tflops, p.fp16_tflops);
    if (!p.note.empty()) Print("            peaks: %s\n", p.note.c_str());
  } else {
    Print("            peaks: %s\n", d.peaks_error.empty()
                                         ? "not measured yet (run `kopt doctor` without --quick)"
                                         : d.peaks_error.c_str());
  }
  if (d.chip.empty()) {
    Print("            profiler: %s\n", d.counters_note.c_str());
    return;
  }
  Print("            profiler: chip %s, default metrics %d pass, deep metrics %d passes; ",
        d.chip.c_str(), d.default_passes, d.deep_passes);
  if (d.counters) {
    Print("counters collected (read kernel at DRAM %.0f%% of peak)\n", d.probe_dram_pct);
  } else {
    Print("no counters: %s\n", d.counters_note.c_str());
  }
}

int ListMetrics(const DoctorReport& r) {
  for (const auto& d : r.devices) {
    if (d.chip.empty()) continue;
    std::vector<std::string> metrics = BaseMetrics(d.chip);
    Print(
        "# %zu base metrics of %s (GPU %d); add a suffix such as .sum, .avg, "
        ".pct_of_peak_sustained_elapsed\n",
        metrics.size(), d.chip.c_str(), d.info.index);
    for (const auto& m : metrics) Print("%s\n", m.c_str());
  }
  return r.devices.empty() ? kExitFailure : kExitOk;
}

int RunDoctorCommand(bool measure, const std::string& format, bool metrics,
                     const TorchOptions& torch_options) {
  DoctorReport r = RunDoctor(measure, SelfExecutable());
  if (metrics) return ListMetrics(r);
  std::unique_ptr<TorchRunner> torch = MakeTorchRunner(torch_options, 0);
  std::string torch_text = TorchRunnerText(torch.get());
  if (format == "json") {
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : r.devices) {
      devices.push_back({{"info", ToJson(d.info)},
                         {"theoretical_gbps", d.theoretical_gbps},
                         {"measured_copy_gbps", d.measured_copy_gbps},
                         {"error", d.error},
                         {"peaks", d.peaks ? ToJson(*d.peaks) : nlohmann::json()},
                         {"peaks_cached", d.peaks_cached},
                         {"peaks_error", d.peaks_error},
                         {"profiler",
                          {{"chip", d.chip},
                           {"default_passes", d.default_passes},
                           {"deep_passes", d.deep_passes},
                           {"counters", d.counters},
                           {"probe_dram_pct", d.probe_dram_pct},
                           {"note", d.counters_note}}}});
    }
    nlohmann::json j = {
        {"kopt", std::string(KOPT_VERSION) + " (" + KOPT_GIT_SHA + ")"},
        {"nvrtc", r.nvrtc_version},
        {"cuda_include_dir", r.cuda_include_dir},
        {"cache_dir", r.cache_dir},
        {"compile_sandbox", {{"confined", r.compile_sandbox_confined}, {"how", r.compile_sandbox}}},
        {"cupti_api_version", r.cupti_api_version},
        {"driver_ok", r.driver_ok},
        {"driver_error", r.driver_error},
        {"driver_version", r.driver_version},
        {"counter_permission", r.counter_permission},
        {"torch",
         {{"ok", torch && torch->info().ok()},
          {"python", torch ? torch->info().python : ""},
          {"python_version", torch ? torch->info().python_version : ""},
          {"torch_version", torch ? torch->info().torch_version : ""},
          {"triton_version", torch ? torch->info().triton_version : ""},
          {"text", torch_text}}},
        {"devices", devices}};
    PrintJson(j);
    return r.driver_ok && !r.devices.empty() ? kExitOk : kExitFailure;
  }
  Print("kopt        %s (%s)\n", KOPT_VERSION, KOPT_GIT_SHA);
  Print("NVRTC       %s, headers %s\n", r.nvrtc_version.c_str(), r.cuda_include_dir.c_str());
  Print("cubin cache %s\n", r.cache_dir.empty() ? "(none)" : r.cache_dir.c_str());
  Print("sandbox     %s%s\n",
        r.compile_sandbox_confined ? "" : "NOT CONFINED: ", r.compile_sandbox.c_str());
  Print("CUPTI       API version %d, counters: %s\n", r.cupti_api_version,
        r.counter_permission.c_str());
  Print("PyTorch     %s%s\n", torch_text.c_str(),
        torch && torch->info().ok() ? "" : " (results have no eager or torch.compile baselines)");
  if (!r.driver_ok) {
    Print("driver      %s\n", r.driver_error.c_str());
    Print(
        "            `kopt tasks` and `kopt compile` work here; `kopt eval`, `kopt optimize` "
        "and GPU timing need an NVIDIA GPU with its driver.\n");
    return kExitFailure;
  }
  Print("driver      CUDA %d.%d\n", r.driver_version / 1000, (r.driver_version % 1000) / 10);
  for (const auto& d : r.devices) {
    if (!d.error.empty()) {
      Print("GPU %d       %s\n", d.info.index, d.error.c_str());
      continue;
    }
    Print("GPU %d       %s, %s, %d SMs, %.1f GiB, L2 %.0f MiB, SM clock %d MHz\n", d.info.index,
          d.info.name.c_str(), d.info.arch.c_str(), d.info.sm_count,
          d.info.memory_bytes / 1073741824.0, d.info.l2_bytes / 1048576.0,
          d.info.sm_clock_khz / 1000);
    Print("            memory: %.0f GB/s theoretical", d.theoretical_gbps);
    if (d.measured_copy_gbps > 0) {
      Print(", %.0f GB/s measured (1 GiB copies, read + write)", d.measured_copy_gbps);
    }
    Print("\n");
    PrintProfiling(d);
  }
  return r.devices.empty() ? kExitFailure : kExitOk;
}

}  // namespace

CommandRunner SetupDoctor(CLI::App* cmd, GlobalOptions&) {
  auto quick = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("table");
  auto metrics = std::make_shared<bool>(false);
  auto torch = std::make_shared<TorchOptions>();
  cmd->add_flag("--quick", *quick, "Skip the bandwidth measurement");
  AddTorchOptions(cmd, *torch);
  cmd->add_flag("--metrics", *metrics, "List the CUPTI base metrics of each GPU's chip");
  cmd->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  return [quick, format, metrics, torch] {
    return RunDoctorCommand(!*quick && !*metrics, *format, *metrics, *torch);
  };
}

}  // namespace kopt::cli
