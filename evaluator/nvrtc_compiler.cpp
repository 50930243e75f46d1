// SPDX-License-Identifier: Apache-2.0
#include "evaluator/nvrtc_compiler.h"

#include "core/error.h"
#include "core/sha256.h"
#include "evaluator/compile_sandbox.h"
#include "evaluator/compile_server.h"
#include "evaluator/device_headers.h"
#include "evaluator/signature_check.h"

#include <nlohmann/json.hpp>

#include <nvrtc.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes through a temporary file and a rename, so a reader never sees half a file.
void WriteAtomically(const fs::path& path, const std::string& bytes) {
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid()) + "_" +
         std::to_string(std::hash<std::string>{}(bytes)&0xffff);
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

nlohmann::json ResourcesToJson(const std::vector<KernelResources>& kernels) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : kernels) {
    out.push_back({{"kernel", k.kernel},
                   {"registers", k.registers},
                   {"spill_store_bytes", k.spill_store_bytes},
                   {"spill_load_bytes", k.spill_load_bytes},
                   {"local_bytes", k.local_bytes},
                   {"static_smem_bytes", k.static_smem_bytes}});
  }
  return out;
}

}  // namespace

std::string NvrtcVersion() {
  int major = 0, minor = 0;
  nvrtcVersion(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string CudaIncludeDir() {
  for (const char* var : {"CUDA_HOME", "CUDA_PATH"}) {
    const char* root = std::getenv(var);
    if (root && fs::exists(fs::path(root) / "include" / "cuda.h")) {
      return (fs::path(root) / "include").string();
    }
  }
#ifdef KOPT_CUDA_INCLUDE_DIR
  if (fs::exists(fs::path(KOPT_CUDA_INCLUDE_DIR) / "cuda.h")) return KOPT_CUDA_INCLUDE_DIR;
#endif
  return "/usr/local/cuda/include";
}

std::string ArchForComputeCapability(int major, int minor) {
  std::string arch = "sm_" + std::to_string(major) + std::to_string(minor);
  // Arch-specific targets (wgmma, setmaxnreg, tcgen05) exist for 9.0 and the 10.x/12.x families.
  if ((major == 9 && minor == 0) || major == 10 || major == 12) arch += "a";
  return arch;
}

std::vector<std::string> CompileOptions(const CompileRequest& request) {
  std::string include = CudaIncludeDir();
  std::vector<std::string> options = {
      "--gpu-architecture=" + request.arch,
      "-std=c++17",
      "-lineinfo",
      "-default-device",
      "-I" + include,
      "-I" + include + "/cccl",
      "--ptxas-options=-v",
      // NVRTC's own cache drops the ptxas log on a hit; ours keeps it.
      "--no-cache",
  };
  options.insert(options.end(), request.extra_options.begin(), request.extra_options.end());
  return options;
}

std::vector<KernelResources> ParsePtxasLog(const std::string& log) {
  static const std::regex kEntry(R"(Compiling entry function '([^']+)')");
  static const std::regex kFrame(
      R"((\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads)");
  static const std::regex kUsed(R"(Used (\d+) registers)");
  static const std::regex kSmem(R"((\d+) bytes smem)");
  std::vector<KernelResources> kernels;
  std::istringstream lines(log);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, kEntry)) {
      kernels.push_back(KernelResources{m[1].str()});
      continue;
    }
    if (kernels.empty()) continue;
    KernelResources& k = kernels.back();
    if (std::regex_search(line, m, kFrame)) {
      k.local_bytes = std::stoi(m[1].str());
      k.spill_store_bytes = std::stoi(m[2].str());
      k.spill_load_bytes = std::stoi(m[3].str());
    }
    if (std::regex_search(line, m, kUsed)) k.registers = std::stoi(m[1].str());
    if (std::regex_search(line, m, kSmem)) k.static_smem_bytes = std::stoi(m[1].str());
  }
  return kernels;
}

std::string DefaultCacheDir() {
  fs::path dir;
  if (const char* env = std::getenv("KOPT_CACHE_DIR")) {
    dir = env;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME")) {
    dir = fs::path(xdg) / "kopt";
  } else if (const char* home = std::getenv("HOME")) {
    dir = fs::path(home) / ".cache" / "kopt";
  } else {
    return "";
  }
  std::error_code ec;
  fs::create_directories(dir / "cubins", ec);
  return ec ? "" : dir.string();
}

NvrtcCompiler::NvrtcCompiler(std::string cache_dir, std::string sandbox_binary)
    : cache_dir_(std::move(cache_dir)) {
  if (!sandbox_binary.empty()) {
    servers_ = std::make_unique<CompileServers>(std::move(sandbox_binary),
                                                std::vector<std::string>{CudaIncludeDir()});
  }
}

NvrtcCompiler::~NvrtcCompiler() = default;

SandboxState NvrtcCompiler::sandbox() const {
  return servers_ ? servers_->sandbox() : SandboxState{false, 0, "in process"};
}

std::optional<CompileOutput> NvrtcCompiler::Lookup(const std::string& key) const {
  if (cache_dir_.empty()) return std::nullopt;
  fs::path base = fs::path(cache_dir_) / "cubins" / key;
  fs::path meta_path = base;
  meta_path += ".json";
  if (!fs::exists(meta_path)) return std::nullopt;
  try {
    nlohmann::json meta = nlohmann::json::parse(ReadAll(meta_path));
    CompileOutput out;
    out.ok = meta.at("ok");
    out.cache_key = key;
    out.info.log = meta.at("log");
    out.info.cache_hit = true;
    EvalResult resources =
        EvalResultFromJson({{"status", "correct"}, {"compile", {{"kernels", meta.at("kernels")}}}});
    out.info.kernels = resources.compile.kernels;
    if (out.ok) {
      fs::path cubin_path = base;
      cubin_path += ".cubin";
      out.cubin = ReadAll(cubin_path);
      if (out.cubin.empty()) return std::nullopt;
    }
    return out;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged entry is recompiled and overwritten
  }
}

void NvrtcCompiler::Store(const CompileOutput& output) const {
  if (cache_dir_.empty()) return;
  fs::path base = fs::path(cache_dir_) / "cubins" / output.cache_key;
  std::error_code ec;
  fs::create_directories(base.parent_path(), ec);
  if (output.ok) {
    fs::path cubin_path = base;
    cubin_path += ".cubin";
    WriteAtomically(cubin_path, output.cubin);
  }
  nlohmann::json meta = {{"ok", output.ok},
                         {"log", output.info.log},
                         {"kernels", ResourcesToJson(output.info.kernels)}};
  fs::path meta_path = base;
  meta_path += ".json";
  WriteAtomically(meta_path, meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

CompileOutput NvrtcCompiler::Compile(const CompileRequest& request) const {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> options = CompileOptions(request);
  Sha256 key;
  // "confined-log": entries written before logs were confined are never served.
  key.Update("nvrtc confined-log ")
      .Update(NvrtcVersion())
      .Update("\n")
      .Update(request.arch)
      .Update("\n");
  for (const auto& o : options) key.Update(o).Update("\n");
  key.Update(KoptDeviceHeadersDigest()).Update("\n");
  key.Update(request.file).Update("\n").Update(request.source);
  std::string cache_key = key.HexDigest();

  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  if (auto hit = Lookup(cache_key)) {
    hit->info.compile_ms = elapsed_ms();
    return *hit;
  }

  RawCompile raw = servers_ ? servers_->Compile(request.source, request.file, options)
                            : CompileInThisProcess(request.source, request.file, options);
  CompileOutput out;
  out.cache_key = cache_key;
  out.ok = raw.ok;
  out.cubin = std::move(raw.cubin);
  // The same confinement of the log whichever process compiled: one rule, one place.
  std::vector<std::string> kopt_files = {request.file, kSignatureCheckFile};
  for (const DeviceHeader& h : KoptDeviceHeaders()) kopt_files.emplace_back(h.name);
  out.info.log = ConfineCompileLog(raw.log, kopt_files, {CudaIncludeDir()});
  if (out.ok) out.info.kernels = ParsePtxasLog(out.info.log);
  out.info.compile_ms = elapsed_ms();
  Store(out);
  return out;
}

}  // namespace kopt
