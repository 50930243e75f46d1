// SPDX-License-Identifier: Apache-2.0
// What the commands that use the results store share: opening it from --db, the run record of
// this invocation, and formatting of stored values.
#pragma once

#include "cli/command.h"
#include "core/device_info.h"
#include "results/store.h"

#include <memory>
#include <optional>
#include <string>

namespace kopt::cli {

/// The --db store for a command that only reads: a missing file is a ConfigError naming --db.
std::unique_ptr<Store> OpenStoreForReading(const GlobalOptions& global);

/// This invocation as a run: argv, version, git sha, NVRTC and toolkit versions, and the device
/// and driver when `device` is given.
RunInfo CurrentRunInfo(const std::string& command, const GlobalOptions& global,
                       nlohmann::json config, const DeviceInfo* device);

/// "2025-06-01 12:34:56" from a stored "2025-06-01T12:34:56.789Z".
std::string ShortTime(const std::string& stored);
/// "1.67x (1.65-1.69)", or "-".
std::string SpeedupText(const std::optional<Speedup>& s);

}  // namespace kopt::cli
