// SPDX-License-Identifier: Apache-2.0
// `kopt doctor`: is this machine ready? Driver, GPUs, NVRTC, CUPTI, counter permission, and the
// measured copy bandwidth. Without a driver it says which commands need one.
#include "cli/command.h"
#include "evaluator/doctor.h"

#include <cstdio>

namespace kopt::cli {
namespace {

int RunDoctorCommand(bool measure, const std::string& format) {
  DoctorReport r = RunDoctor(measure);
  if (format == "json") {
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : r.devices) {
      devices.push_back({{"info", ToJson(d.info)},
                         {"theoretical_gbps", d.theoretical_gbps},
                         {"measured_copy_gbps", d.measured_copy_gbps},
                         {"error", d.error}});
    }
    nlohmann::json j = {{"kopt", std::string(KOPT_VERSION) + " (" + KOPT_GIT_SHA + ")"},
                        {"nvrtc", r.nvrtc_version},
                        {"cuda_include_dir", r.cuda_include_dir},
                        {"cache_dir", r.cache_dir},
                        {"cupti_api_version", r.cupti_api_version},
                        {"driver_ok", r.driver_ok},
                        {"driver_error", r.driver_error},
                        {"driver_version", r.driver_version},
                        {"counter_permission", r.counter_permission},
                        {"devices", devices}};
    std::printf("%s\n", j.dump(2).c_str());
    return r.driver_ok && !r.devices.empty() ? kExitOk : kExitFailure;
  }
  std::printf("kopt        %s (%s)\n", KOPT_VERSION, KOPT_GIT_SHA);
  std::printf("NVRTC       %s, headers %s\n", r.nvrtc_version.c_str(), r.cuda_include_dir.c_str());
  std::printf("cubin cache %s\n", r.cache_dir.empty() ? "(none)" : r.cache_dir.c_str());
  std::printf("CUPTI       API version %d, counters: %s\n", r.cupti_api_version,
              r.counter_permission.c_str());
  if (!r.driver_ok) {
    std::printf("driver      %s\n", r.driver_error.c_str());
    std::printf(
        "            `kopt tasks` and `kopt compile` work here; `kopt eval`, `kopt optimize` "
        "and GPU timing need an NVIDIA GPU with its driver.\n");
    return kExitFailure;
  }
  std::printf("driver      CUDA %d.%d\n", r.driver_version / 1000, (r.driver_version % 1000) / 10);
  for (const auto& d : r.devices) {
    if (!d.error.empty()) {
      std::printf("GPU %d       %s\n", d.info.index, d.error.c_str());
      continue;
    }
    std::printf("GPU %d       %s, %s, %d SMs, %.1f GiB, L2 %.0f MiB, SM clock %d MHz\n",
                d.info.index, d.info.name.c_str(), d.info.arch.c_str(), d.info.sm_count,
                d.info.memory_bytes / 1073741824.0, d.info.l2_bytes / 1048576.0,
                d.info.sm_clock_khz / 1000);
    std::printf("            memory: %.0f GB/s theoretical", d.theoretical_gbps);
    if (d.measured_copy_gbps > 0) {
      std::printf(", %.0f GB/s measured (1 GiB copies, read + write)", d.measured_copy_gbps);
    }
    std::printf("\n");
  }
  return r.devices.empty() ? kExitFailure : kExitOk;
}

}  // namespace

void AddDoctorCommand(CLI::App& app, GlobalOptions&, CommandRunner& run) {
  auto* cmd = app.add_subcommand("doctor", "Check the driver, GPUs, NVRTC, CUPTI and bandwidth");
  auto quick = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("table");
  cmd->add_flag("--quick", *quick, "Skip the bandwidth measurement");
  cmd->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&run, quick, format] {
    run = [quick, format] { return RunDoctorCommand(!*quick, *format); };
  });
}

}  // namespace kopt::cli
