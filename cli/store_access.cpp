// SPDX-License-Identifier: Apache-2.0
#include "cli/store_access.h"

#include "evaluator/nvrtc_compiler.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kopt::cli {
namespace {

// "580.65.06" from /proc/driver/nvidia/version, or "" on a machine without the kernel module.
std::string KernelModuleVersion() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(in, line)) return "";
  std::istringstream words(line);
  std::string word, previous;
  while (words >> word) {
    if (previous == "Module") return word;
    previous = word;
  }
  return "";
}

}  // namespace

std::unique_ptr<Store> OpenStoreForReading(const GlobalOptions& global) {
  if (global.db_path != ":memory:" && !std::filesystem::exists(global.db_path)) {
    throw ConfigError("--db " + global.db_path +
                      ": no results database there (kopt eval and kopt optimize create it)");
  }
  if (global.db_path != ":memory:") {
    if (std::string why = NotAKoptDatabase(global.db_path); !why.empty()) {
      throw ConfigError("--db " + global.db_path + ": " + why +
                        ", not a kopt results database; nothing was changed");
    }
  }
  return std::make_unique<Store>(global.db_path, Store::OpenMode::kExisting);
}

RunInfo CurrentRunInfo(const std::string& command, const GlobalOptions& global,
                       nlohmann::json config, const DeviceInfo* device) {
  RunInfo info;
  info.command = command;
  info.argv = global.argv;
  info.config = std::move(config);
  info.kopt_version = KOPT_VERSION;
  info.git_sha = KOPT_GIT_SHA;
  info.cuda_version = KOPT_CUDA_VERSION;
  info.nvrtc_version = NvrtcVersion();
  if (device) {
    info.device = device->name;
    info.device_info = ToJson(*device);
    char cuda[32];
    std::snprintf(cuda, sizeof cuda, "CUDA %d.%d", device->driver_version / 1000,
                  (device->driver_version % 1000) / 10);
    std::string module = KernelModuleVersion();
    info.driver_version = module.empty() ? cuda : module + " (" + cuda + ")";
  }
  return info;
}

std::string ShortTime(const std::string& stored) {
  std::string t = stored.substr(0, 19);
  if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
  return t;
}

std::string SpeedupText(const std::optional<Speedup>& s) {
  if (!s) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2fx (%.2f-%.2f)", s->value, s->low, s->high);
  return buf;
}

}  // namespace kopt::cli
