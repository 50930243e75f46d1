// SPDX-License-Identifier: Apache-2.0
// The job the parent sends a worker to evaluate one candidate against its task's reference, and
// its JSON form on the wire. Cubins are compiled by the parent; the worker only loads them.
#pragma once

#include "core/evaluator.h"
#include "core/launch_block.h"

#include <nlohmann/json.hpp>

#include <string>

namespace kopt {

struct KernelBinary {
  std::string source;  // carries the launch block
  std::string file;
  std::string cubin;
  TunableChoice tunables;
  std::vector<KernelResources> resources;  // from the compile log
};

struct EvalJob {
  std::string task_json;
  std::string task_file;
  std::string task_hash;
  KernelBinary reference;
  KernelBinary candidate;
  EvalOptions options;
};

nlohmann::json ToJson(const EvalJob& job);
EvalJob EvalJobFromJson(const nlohmann::json& j);

/// Runs only the reference at one size and seed and brings every tensor back: how kopt's own
/// tests check a task's reference against an independent CPU implementation.
struct ReferenceRunJob {
  std::string task_json;
  std::string task_file;
  std::string task_hash;
  KernelBinary reference;
  SymbolTable symbols;  // the size to run at
  std::uint64_t seed = 0;
};

/// A tensor's raw bytes on the host, row-major.
struct HostTensor {
  std::string name;
  DType dtype = DType::kF32;
  TensorRole role = TensorRole::kInput;
  std::vector<std::int64_t> shape;
  std::string bytes;
};

nlohmann::json ToJson(const ReferenceRunJob& job);
ReferenceRunJob ReferenceRunJobFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const std::vector<HostTensor>& tensors);
std::vector<HostTensor> HostTensorsFromJson(const nlohmann::json& j);

}  // namespace kopt
