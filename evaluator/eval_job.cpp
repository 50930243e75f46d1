// SPDX-License-Identifier: Apache-2.0
#include "evaluator/eval_job.h"

#include "core/error.h"
#include "core/json_fields.h"
#include "evaluator/protocol.h"

#include <fstream>

namespace kopt {
namespace {

using nlohmann::json;

json ToJson(const KernelBinary& k) {
  json tunables = json::object();
  for (const auto& [name, value] : k.tunables) tunables[name] = value;
  return {{"source", k.source},
          {"file", k.file},
          {"cubin", Base64Encode(k.cubin)},
          {"tunables", tunables}};
}

KernelBinary KernelFromJson(const json& j) {
  KernelBinary k;
  k.source = j.at("source");
  k.file = j.at("file");
  k.cubin = Base64Decode(j.at("cubin").get<std::string>());
  for (const auto& [name, value] : j.at("tunables").items()) k.tunables[name] = value;
  return k;
}

json TaskFields(const std::string& task_json, const std::string& task_file,
                const std::string& task_hash) {
  return {{"task_json", task_json}, {"task_file", task_file}, {"task_hash", task_hash}};
}

}  // namespace

json ToJson(const EvalJob& job) {
  const EvalOptions& o = job.options;
  json j = TaskFields(job.task_json, job.task_file, job.task_hash);
  j["type"] = "eval";
  j["reference"] = ToJson(job.reference);
  j["candidate"] = ToJson(job.candidate);
  j["options"] = {{"seeds", o.seeds},
                  {"seed_pool", o.seed_pool},
                  {"pool_size", o.pool_size},
                  {"time", o.time},
                  {"noise_target", o.noise_target},
                  {"max_timing_s", o.max_timing_s},
                  {"min_samples", o.min_samples},
                  {"profile", ProfileLevelName(o.profile)},
                  {"profile_metrics", o.profile_metrics},
                  {"check_sizes_only", o.check_sizes_only}};
  return j;
}

EvalJob EvalJobFromJson(const json& j) {
  EvalJob job;
  job.task_json = j.at("task_json");
  job.task_file = j.at("task_file");
  job.task_hash = j.at("task_hash");
  job.reference = KernelFromJson(j.at("reference"));
  job.candidate = KernelFromJson(j.at("candidate"));
  const json& o = j.at("options");
  job.options.seeds = o.at("seeds");
  job.options.seed_pool = o.at("seed_pool");
  job.options.pool_size = o.at("pool_size");
  job.options.time = o.at("time");
  job.options.noise_target = o.at("noise_target");
  job.options.max_timing_s = o.at("max_timing_s");
  job.options.min_samples = o.at("min_samples");
  job.options.profile = ParseProfileLevel(o.value("profile", "none")).value_or(ProfileLevel::kNone);
  job.options.profile_metrics = o.value("profile_metrics", std::vector<std::string>{});
  job.options.check_sizes_only = o.value("check_sizes_only", false);
  return job;
}

json ToJson(const ReferenceRunJob& job) {
  json j = TaskFields(job.task_json, job.task_file, job.task_hash);
  j["type"] = "reference_run";
  j["reference"] = ToJson(job.reference);
  j["symbols"] = job.symbols;
  j["seed"] = job.seed;
  if (!job.tensor_dir.empty()) j["tensor_dir"] = job.tensor_dir;
  return j;
}

ReferenceRunJob ReferenceRunJobFromJson(const json& j) {
  ReferenceRunJob job;
  job.task_json = j.at("task_json");
  job.task_file = j.at("task_file");
  job.task_hash = j.at("task_hash");
  job.reference = KernelFromJson(j.at("reference"));
  for (const auto& [name, value] : j.at("symbols").items()) job.symbols[name] = value;
  job.seed = j.at("seed");
  job.tensor_dir = j.value("tensor_dir", "");
  return job;
}

json ToJson(const std::vector<HostTensor>& tensors, const std::string& dir) {
  json out = json::array();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const HostTensor& t = tensors[i];
    json entry = {{"name", t.name},
                  {"dtype", DTypeName(t.dtype)},
                  {"role", t.role == TensorRole::kInput ? "input" : "output"},
                  {"shape", t.shape}};
    if (dir.empty()) {
      entry["data"] = Base64Encode(t.bytes);
    } else {
      std::string file = "tensor" + std::to_string(i) + ".bin";
      std::ofstream f(dir + "/" + file, std::ios::binary | std::ios::trunc);
      f.write(t.bytes.data(), static_cast<std::streamsize>(t.bytes.size()));
      if (!f.flush()) throw Error("cannot write tensor " + t.name + " to " + dir + "/" + file);
      entry["file"] = file;
      entry["size"] = t.bytes.size();
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<HostTensor> HostTensorsFromJson(const json& j, const std::string& dir) {
  std::vector<HostTensor> out;
  for (const auto& t : j) {
    HostTensor h;
    h.name = t.at("name");
    h.dtype = ParseDType(t.at("dtype").get<std::string>()).value();
    h.role = t.at("role") == "input" ? TensorRole::kInput : TensorRole::kOutput;
    h.shape = t.at("shape").get<std::vector<std::int64_t>>();
    if (t.contains("file")) {
      std::string file = t.at("file");
      std::size_t size = t.at("size");
      if (dir.empty() || file.empty() || file.find('/') != std::string::npos || file[0] == '.') {
        throw Error("tensor " + h.name + " names the file '" + file + "' outside its folder");
      }
      h.bytes = ReadFile(dir + "/" + file);
      if (h.bytes.size() != size) {
        throw Error("tensor " + h.name + ": " + dir + "/" + file + " holds " +
                    std::to_string(h.bytes.size()) + " bytes, not " + std::to_string(size));
      }
    } else {
      h.bytes = Base64Decode(t.at("data").get<std::string>());
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace kopt
