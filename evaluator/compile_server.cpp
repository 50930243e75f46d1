// SPDX-License-Identifier: Apache-2.0
#include "evaluator/compile_server.h"

#include "core/error.h"
#include "core/text.h"
#include "evaluator/compile_sandbox.h"
#include "evaluator/device_headers.h"
#include "evaluator/protocol.h"

#include <nvrtc.h>

#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace kopt {
namespace {

void CheckNvrtc(nvrtcResult result, const char* call_text) {
  if (result != NVRTC_SUCCESS) {
    throw CudaError("NVRTC: " + std::string(CalledFunction(call_text)) +
                    " failed: " + nvrtcGetErrorString(result));
  }
}

// Runs an NVRTC call and throws CudaError, named from the call's own text, when it fails.
#define KOPT_NVRTC(call) CheckNvrtc((call), #call)

// Owns an nvrtcProgram.
class Program {
 public:
  // kopt's own headers go with every program, by name (device_headers.h).
  Program(const std::string& source, const std::string& name) {
    std::vector<std::string> texts, names;
    for (const DeviceHeader& h : KoptDeviceHeaders()) {
      texts.emplace_back(h.text);
      names.emplace_back(h.name);
    }
    std::vector<const char*> text_ptrs, name_ptrs;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      text_ptrs.push_back(texts[i].c_str());
      name_ptrs.push_back(names[i].c_str());
    }
    KOPT_NVRTC(nvrtcCreateProgram(&program_, source.c_str(), name.c_str(),
                                  static_cast<int>(texts.size()), text_ptrs.data(),
                                  name_ptrs.data()));
  }
  ~Program() { nvrtcDestroyProgram(&program_); }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  nvrtcProgram get() const { return program_; }

 private:
  nvrtcProgram program_ = nullptr;
};

// What the server inherits: the library path (it may be how NVRTC is found), nothing else.
std::vector<std::string> ServerEnvironment() {
  std::vector<std::string> env;
  if (const char* path = std::getenv("LD_LIBRARY_PATH")) {
    env.push_back(std::string("LD_LIBRARY_PATH=") + path);
  }
  return env;
}

RawCompile Failed(std::string log) {
  RawCompile out;
  out.log = std::move(log);
  return out;
}

}  // namespace

RawCompile CompileInThisProcess(const std::string& source, const std::string& file,
                                const std::vector<std::string>& options) {
  Program program(source, file);
  std::vector<const char*> argv;
  for (const auto& o : options) argv.push_back(o.c_str());
  nvrtcResult result =
      nvrtcCompileProgram(program.get(), static_cast<int>(argv.size()), argv.data());
  RawCompile out;
  std::size_t log_size = 0;
  KOPT_NVRTC(nvrtcGetProgramLogSize(program.get(), &log_size));
  out.log.assign(log_size, '\0');
  KOPT_NVRTC(nvrtcGetProgramLog(program.get(), out.log.data()));
  while (!out.log.empty() && out.log.back() == '\0') out.log.pop_back();
  if (result == NVRTC_SUCCESS) {
    std::size_t cubin_size = 0;
    KOPT_NVRTC(nvrtcGetCUBINSize(program.get(), &cubin_size));
    out.cubin.resize(cubin_size);
    KOPT_NVRTC(nvrtcGetCUBIN(program.get(), out.cubin.data()));
    out.ok = !out.cubin.empty();
  } else if (result != NVRTC_ERROR_COMPILATION) {
    throw CudaError(std::string("NVRTC failed: ") + nvrtcGetErrorString(result) + "\n" + out.log);
  }
  return out;
}

CompileServers::CompileServers(std::string kopt_binary, std::vector<std::string> readable_dirs,
                               double timeout_s)
    : binary_(std::move(kopt_binary)), readable_(std::move(readable_dirs)), timeout_s_(timeout_s) {
  try {
    std::unique_ptr<WorkerProcess> first = Start();
    first->Spawn();
    idle_.push_back(std::move(first));
  } catch (const Error&) {
    // The first compile starts a server itself and reports why it cannot.
  }
}

CompileServers::~CompileServers() = default;

SandboxState CompileServers::sandbox() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sandbox_;
}

std::unique_ptr<WorkerProcess> CompileServers::Take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto server = std::move(idle_.back());
      idle_.pop_back();
      return server;
    }
  }
  return Start();
}

std::unique_ptr<WorkerProcess> CompileServers::Start() const {
  std::vector<std::string> argv = {binary_, "compile-server"};
  for (const auto& dir : readable_) {
    argv.push_back("--read");
    argv.push_back(dir);
  }
  WorkerOptions options;
  options.name = "compile server";
  options.env = ServerEnvironment();
  return std::make_unique<WorkerProcess>(std::move(argv), std::move(options));
}

void CompileServers::Greeted(const nlohmann::json& ready) {
  std::lock_guard<std::mutex> lock(mutex_);
  sandbox_.how = ready.value("sandbox", "");
  sandbox_.confined = ready.value("confined", false);
}

RawCompile CompileServers::Compile(const std::string& source, const std::string& file,
                                   const std::vector<std::string>& options) {
  std::unique_ptr<WorkerProcess> server = Take();
  try {
    Greeted(server->EnsureStarted());
  } catch (const Error&) {
    // The spawned-ahead server dies with the thread that made this pool; start one here.
    server = Start();
    Greeted(server->EnsureStarted());
  }
  JobOutcome outcome = server->Run(
      {{"type", "compile"}, {"source", source}, {"file", file}, {"options", options}}, timeout_s_);
  RawCompile out;
  switch (outcome.kind) {
    case JobOutcome::Kind::kTimeout:
      out = Failed(file + ": error: the compiler did not finish within " +
                   std::to_string(static_cast<int>(timeout_s_)) +
                   " s (template or constexpr recursion without end?)");
      break;
    case JobOutcome::Kind::kCrashed:
      out = Failed(file + ": error: the compiler crashed on this source (" + outcome.detail + ")");
      break;
    case JobOutcome::Kind::kReply:
      if (outcome.reply.contains("error")) {
        throw CudaError(outcome.reply.at("error").get<std::string>());
      }
      out.ok = outcome.reply.value("ok", false);
      out.log = outcome.reply.value("log", "");
      out.cubin = Base64Decode(outcome.reply.value("cubin", ""));
      break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(server));
  return out;
}

int RunCompileServer(const std::vector<std::string>& readable_dirs) {
  // Frames go to the original stdout; anything a library prints goes to stderr instead.
  const int in = 0;
  const int out = ::dup(1);
  ::dup2(2, 1);
  auto send = [&](const nlohmann::json& message) { return WriteFrame(out, message.dump()); };
  // NVRTC loads its builtins library on the first compile: do one before the filesystem closes.
  try {
    std::vector<std::string> options = {"-default-device"};
    for (const auto& dir : readable_dirs) options.push_back("-I" + dir);
    CompileInThisProcess("__global__ void kopt_warm_up() {}\n", "kopt_warm_up.cu", options);
  } catch (const std::exception& e) {
    send({{"type", "ready"}, {"error", e.what()}});
    return 1;
  }
  if (::chdir("/") != 0) return 1;
  SandboxState sandbox = ConfineToReading(readable_dirs);
  send({{"type", "ready"}, {"sandbox", sandbox.how}, {"confined", sandbox.confined}});

  const auto forever = std::chrono::steady_clock::time_point::max();
  for (;;) {
    std::string frame;
    if (ReadFrame(in, &frame, forever) != ReadStatus::kOk) return 0;
    nlohmann::json job = nlohmann::json::parse(frame, nullptr, false);
    nlohmann::json reply = {{"type", "result"}};
    try {
      RawCompile raw = CompileInThisProcess(job.at("source").get<std::string>(),
                                            job.at("file").get<std::string>(),
                                            job.at("options").get<std::vector<std::string>>());
      reply["ok"] = raw.ok;
      reply["log"] = raw.log;
      reply["cubin"] = Base64Encode(raw.cubin);
    } catch (const std::exception& e) {
      reply["error"] = e.what();
    }
    if (!WriteFrame(out, reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))) {
      return 0;
    }
  }
}

}  // namespace kopt
