// SPDX-License-Identifier: Apache-2.0
#include "evaluator/compile_sandbox.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <regex>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

// The Landlock ABI, declared here because distribution headers lag the kernel (Debian 12's stop
// at ABI 2). The values are the kernel's and never change.
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
constexpr std::uint32_t kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;

struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;  // ABI 4
  std::uint64_t scoped;              // ABI 6
};

struct PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
} __attribute__((packed));

constexpr std::uint64_t kFsExecute = 1ull << 0, kFsWriteFile = 1ull << 1, kFsReadFile = 1ull << 2,
                        kFsReadDir = 1ull << 3;
// Every filesystem right of ABI 1 (bits 0-12), then REFER (2), TRUNCATE (3), IOCTL_DEV (5).
constexpr std::uint64_t kFsAbi1 = (1ull << 13) - 1;
constexpr std::uint64_t kFsRefer = 1ull << 13, kFsTruncate = 1ull << 14, kFsIoctlDev = 1ull << 15;
constexpr std::uint64_t kNetBindTcp = 1ull << 0, kNetConnectTcp = 1ull << 1;
constexpr std::uint64_t kScopeAbstractUnixSocket = 1ull << 0, kScopeSignal = 1ull << 1;

int LandlockAbi() {
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

std::string NoLandlock(int err) {
  std::string why = err == ENOSYS ? "the kernel has no Landlock (Linux 5.13+)"
                    : err == EOPNOTSUPP
                        ? "Landlock is built in but disabled (boot with lsm=...,landlock)"
                        : std::string("Landlock failed: ") + std::strerror(err);
  return why +
         "; compiles run with an empty environment and logs that never quote files outside "
         "the CUDA headers, but a candidate can still learn whether a file exists";
}

bool Under(const fs::path& file, const fs::path& dir) {
  auto f = file.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++f) {
    if (d->empty()) continue;  // a trailing separator
    if (f == file.end() || *f != *d) return false;
  }
  return true;
}

}  // namespace

SandboxState ProbeCompileSandbox() {
  SandboxState state;
  errno = 0;
  state.landlock_abi = LandlockAbi();
  state.how = state.landlock_abi > 0
                  ? "Landlock ABI " + std::to_string(state.landlock_abi) +
                        ": compiles may read the CUDA include tree only, with an empty environment"
                  : NoLandlock(errno);
  return state;
}

SandboxState ConfineToReading(const std::vector<std::string>& readable) {
  SandboxState state;
  // No process this one starts may gain privileges (also Landlock's precondition).
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  errno = 0;
  state.landlock_abi = LandlockAbi();
  if (state.landlock_abi == 0) {
    state.how = NoLandlock(errno);
    return state;
  }
  RulesetAttr attr{kFsAbi1, 0, 0};
  if (state.landlock_abi >= 2) attr.handled_access_fs |= kFsRefer;
  if (state.landlock_abi >= 3) attr.handled_access_fs |= kFsTruncate;
  if (state.landlock_abi >= 5) attr.handled_access_fs |= kFsIoctlDev;
  if (state.landlock_abi >= 4) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  if (state.landlock_abi >= 6) attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
  std::size_t attr_size = state.landlock_abi >= 6   ? sizeof(RulesetAttr)
                          : state.landlock_abi >= 4 ? 2 * sizeof(std::uint64_t)
                                                    : sizeof(std::uint64_t);
  int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0));
  if (ruleset < 0) {
    state.how = NoLandlock(errno);
    return state;
  }
  std::string allowed;
  for (const auto& dir : readable) {
    int fd = ::open(dir.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;
    PathBeneathAttr rule{kFsReadFile | kFsReadDir, fd};
    if (::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0) == 0) {
      allowed += (allowed.empty() ? "" : ", ") + dir;
    }
    ::close(fd);
  }
  long restricted = ::syscall(SYS_landlock_restrict_self, ruleset, 0);
  int err = errno;
  ::close(ruleset);
  if (restricted != 0) {
    state.how = NoLandlock(err);
    return state;
  }
  state.confined = true;
  state.how = "Landlock ABI " + std::to_string(state.landlock_abi) + ": reads limited to " +
              (allowed.empty() ? std::string("nothing") : allowed) +
              "; no writes, no network, empty environment";
  return state;
}

std::string ConfineCompileLog(const std::string& log, const std::vector<std::string>& source_files,
                              const std::vector<std::string>& allowed_dirs) {
  // EDG's diagnostic locations: "file(line): error: ...".
  static const std::regex kLocation(R"(^(.+)\((\d+)\): (catastrophic error|error|warning|remark))");
  std::vector<fs::path> dirs;
  for (const auto& d : allowed_dirs) {
    dirs.push_back(fs::path(d).lexically_normal());
    std::error_code ec;
    fs::path real = fs::canonical(d, ec);
    if (!ec) dirs.push_back(real);
  }
  std::istringstream lines(log);
  std::string line, out;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, kLocation) &&
        std::find(source_files.begin(), source_files.end(), m[1].str()) == source_files.end()) {
      fs::path file = (fs::path("/") / m[1].str()).lexically_normal();
      bool allowed = false;
      for (const auto& d : dirs) allowed = allowed || Under(file, d);
      if (!allowed) {
        return source_files.front() + ": error: a diagnostic in \"" + m[1].str() +
               "\", which is not a CUDA header; candidates may include the CUDA toolkit's "
               "headers only (the compiler's log is withheld)\n";
      }
    }
    static const std::string kDenied = ": Permission denied";
    if (line.size() >= kDenied.size() &&
        line.compare(line.size() - kDenied.size(), kDenied.size(), kDenied) == 0 &&
        line.find("cannot open source file") != std::string::npos) {
      line.resize(line.size() - kDenied.size());
    }
    out += line + "\n";
  }
  if (!log.empty() && log.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

}  // namespace kopt
