// SPDX-License-Identifier: Apache-2.0
#include "evaluator/torch_runner.h"

#include "core/dtype.h"
#include "core/error.h"
#include "core/secrets.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

extern char** environ;

namespace kopt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// `name` in the directories of PATH, as a shell finds a command; "" when none has it.
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
  }
  return "";
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) {
    throw Error("cannot write " + path + " for the PyTorch runner: " + std::strerror(errno));
  }
}

std::size_t ByteCount(const HostTensor& t) {
  std::size_t count = DTypeSize(t.dtype);
  for (std::int64_t extent : t.shape) count *= static_cast<std::size_t>(extent);
  return count;
}

json TensorField(const HostTensor& t, const std::string& path) {
  json field = {{"name", t.name}, {"dtype", DTypeName(t.dtype)}, {"shape", t.shape}};
  if (!path.empty()) field["path"] = path;
  return field;
}

// A call's folder of tensor files, gone when the call is over, whatever happened.
class CallFiles {
 public:
  explicit CallFiles(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!fs::create_directory(dir_, ec)) {
      throw Error("cannot create " + dir_ + " for the PyTorch runner: " + ec.message());
    }
  }
  ~CallFiles() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  CallFiles(const CallFiles&) = delete;
  CallFiles& operator=(const CallFiles&) = delete;
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

}  // namespace

std::string FindPython(const std::string& explicit_path) {
  if (explicit_path.empty()) return OnPath("python3");
  std::string path =
      explicit_path.find('/') == std::string::npos ? OnPath(explicit_path) : explicit_path;
  if (path.empty() || !IsExecutableFile(path)) {
    throw ConfigError("--python " + explicit_path + ": " +
                      (path.empty() ? "not found on PATH" : "not an executable file"));
  }
  return path;
}

std::string_view TorchModeName(TorchMode mode) {
  return mode == TorchMode::kCompile ? "compile" : "eager";
}

struct TorchRunner::Call {
  TorchFailure failure = TorchFailure::kNone;
  std::string error;
  json reply;
  std::vector<HostTensor> outputs;  // read back when the job named output files
};

TorchRunner::TorchRunner(TorchRunnerOptions options) : options_(std::move(options)) {
  // A private folder: the script the interpreter runs must be one nobody else can change.
  std::string pattern = (fs::temp_directory_path() / "kopt-torch-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    throw Error("cannot create a folder for the PyTorch runner: " +
                std::string(std::strerror(errno)));
  }
  dir_ = pattern;
  std::string script = dir_ + "/torch_runner.py";
  WriteBytes(script, std::string(TorchRunnerScript()));
  WorkerOptions worker;
  worker.name = "PyTorch runner";
  worker.start_timeout_s = options_.start_timeout_s;
  // kopt's environment (CUDA_VISIBLE_DEVICES, PYTHONPATH, a virtual environment's variables)
  // without the API keys: the expression is code like any other.
  worker.env = EnvironmentWithoutSecrets(environ, ProcessSecrets());
  worker_ = std::make_unique<WorkerProcess>(
      std::vector<std::string>{options_.python, "-u", script, "--device",
                               std::to_string(options_.device)},
      std::move(worker));
}

TorchRunner::~TorchRunner() {
  worker_.reset();  // kills the runner before its folder goes
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

const TorchInfo& TorchRunner::info() {
  if (info_) return *info_;
  TorchInfo info;
  info.python = options_.python;
  if (options_.python.empty()) {
    info.error =
        "no python3 on PATH: the PyTorch baseline needs an interpreter with torch (name one with "
        "--python)";
  } else if (!IsExecutableFile(options_.python)) {
    info.error = "cannot run the PyTorch runner: " + options_.python + " is not an executable file";
  } else {
    try {
      const json& ready = worker_->EnsureStarted();
      info.python_version = ready.value("python", "");
      info.torch_version = ready.value("torch", "");
      auto triton = ready.find("triton");  // null without triton
      if (triton != ready.end() && triton->is_string()) info.triton_version = *triton;
      info.device = ready.value("device", "");
    } catch (const Error& e) {
      // The runner's own sentence (no torch, no CUDA), or how the interpreter failed to start.
      info.error = e.what();
    }
  }
  info_ = std::move(info);
  return *info_;
}

TorchRunner::Call TorchRunner::Send(json job, const std::vector<HostTensor>& inputs,
                                    const std::vector<HostTensor>& outputs, std::string_view mode,
                                    double timeout_s) {
  Call call;
  if (const TorchInfo& runner = info(); !runner.ok()) {
    call.failure = TorchFailure::kUnavailable;
    call.error = runner.error;
    return call;
  }
  bool read_outputs = job.at("type") == "run";
  CallFiles files(dir_ + "/call");
  job["inputs"] = json::array();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::string path = files.Path("in" + std::to_string(i) + ".bin");
    WriteBytes(path, inputs[i].bytes);
    job["inputs"].push_back(TensorField(inputs[i], path));
  }
  job["outputs"] = json::array();
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    std::string path = read_outputs ? files.Path("out" + std::to_string(i) + ".bin") : "";
    job["outputs"].push_back(TensorField(outputs[i], path));
  }

  std::string what = "the task's PyTorch expression (" + std::string(mode) + ")";
  JobOutcome outcome;
  try {
    outcome = worker_->Run(job, timeout_s);
  } catch (const Error& e) {  // the runner was replaced after a timeout and did not start again
    call.failure = TorchFailure::kUnavailable;
    call.error = e.what();
    return call;
  }
  switch (outcome.kind) {
    case JobOutcome::Kind::kTimeout:
      call.failure = TorchFailure::kTimeout;
      call.error = what + " did not finish: " + outcome.detail;
      return call;
    case JobOutcome::Kind::kCrashed:
      call.failure = TorchFailure::kCrashed;
      call.error = "the PyTorch runner failed on " + what + ": " + outcome.detail;
      return call;
    case JobOutcome::Kind::kReply:
      break;
  }
  call.reply = std::move(outcome.reply);
  if (call.reply.contains("error")) {
    call.failure = TorchFailure::kExpression;
    const json& error = call.reply["error"];
    call.error = what + " failed: " + (error.is_string() ? error.get<std::string>() : error.dump());
    return call;
  }
  for (std::size_t i = 0; read_outputs && i < outputs.size(); ++i) {
    HostTensor out = outputs[i];
    out.role = TensorRole::kOutput;
    std::ifstream in(job["outputs"][i]["path"].get<std::string>(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out.bytes = bytes.str();
    if (!in || out.bytes.size() != ByteCount(out)) {
      call.failure = TorchFailure::kCrashed;
      call.error = "the PyTorch runner wrote " + std::to_string(out.bytes.size()) +
                   " bytes for output " + out.name + "; " + std::to_string(ByteCount(out)) +
                   " expected";
      return call;
    }
    call.outputs.push_back(std::move(out));
  }
  return call;
}

TorchRun TorchRunner::Run(const std::string& torch_src, const SymbolTable& symbols,
                          const std::vector<HostTensor>& inputs,
                          const std::vector<HostTensor>& outputs, double timeout_s) {
  json job = {{"type", "run"}, {"torch", torch_src}, {"symbols", json::object()}};
  for (const auto& [name, value] : symbols) job["symbols"][name] = value;
  Call call = Send(std::move(job), inputs, outputs, TorchModeName(TorchMode::kEager), timeout_s);
  TorchRun run;
  run.failure = call.failure;
  run.error = std::move(call.error);
  run.outputs = std::move(call.outputs);
  return run;
}

TorchTiming TorchRunner::Time(const std::string& torch_src, TorchMode mode,
                              const SymbolTable& symbols, const std::vector<HostTensor>& inputs,
                              const std::vector<HostTensor>& outputs, const SampleConfig& config,
                              std::size_t flush_bytes, double timeout_s) {
  json job = {{"type", "time"},
              {"torch", torch_src},
              {"mode", TorchModeName(mode)},
              {"symbols", json::object()},
              {"config",
               {{"noise_target", config.noise_target},
                {"max_timing_s", config.max_timing_s},
                {"min_samples", config.min_samples},
                {"max_samples", config.max_samples},
                {"flush_bytes", flush_bytes}}}};
  for (const auto& [name, value] : symbols) job["symbols"][name] = value;
  Call call = Send(std::move(job), inputs, outputs, TorchModeName(mode), timeout_s);
  TorchTiming timing;
  timing.failure = call.failure;
  timing.error = std::move(call.error);
  if (!timing.ok()) return timing;
  try {
    const json& reply = call.reply;
    auto samples = reply.at("samples_ms").get<std::vector<double>>();
    if (samples.empty()) throw std::invalid_argument("no samples");
    timing.event_ms = Summarize(samples);
    if (reply.contains("compile_ms") && !reply["compile_ms"].is_null()) {
      timing.compile_ms = reply["compile_ms"].get<double>();
    }
    timing.warmup_ms = reply.value("warmup_ms", 0.0);
    timing.warmup_runs = reply.value("warmup_runs", 0);
  } catch (const std::exception& e) {
    timing.failure = TorchFailure::kCrashed;
    timing.error = std::string("the PyTorch runner sent a bad timing reply: ") + e.what();
  }
  return timing;
}

}  // namespace kopt
