// SPDX-License-Identifier: Apache-2.0
// The confinement of the compile server: the process that runs NVRTC on sources an LLM wrote.
// Landlock (Linux 5.13+) limits it to reading the CUDA include tree, with no writes, no
// network and no signals out; the server also starts with an empty environment. Where the
// kernel has no Landlock, the fallback is a compile log that never quotes a file outside the
// candidate and the CUDA headers (`ConfineCompileLog`), and `kopt doctor` says so.
#pragma once

#include <string>
#include <vector>

namespace kopt {

struct SandboxState {
  bool confined = false;  // Landlock restricts the process
  int landlock_abi = 0;   // 0: no Landlock
  std::string how;        // one line for `kopt doctor` and the server's greeting
};

/// What this kernel offers, without confining anything.
SandboxState ProbeCompileSandbox();

/// Confines the calling process (for good, its future threads and children too) to reading
/// the folders in `readable`. Returns how; `confined` is false when the kernel refuses.
SandboxState ConfineToReading(const std::vector<std::string>& readable);

/// The compile log as it may leave kopt: a log with a diagnostic located in a file other than
/// one of `source_files` (the candidate's own names) or a file under `allowed_dirs` is replaced
/// by one line naming that file (the diagnostic would quote the file's contents); "Permission
/// denied" after an unopenable include is dropped, so a denied file reads like a missing one.
std::string ConfineCompileLog(const std::string& log, const std::vector<std::string>& source_files,
                              const std::vector<std::string>& allowed_dirs);

}  // namespace kopt
