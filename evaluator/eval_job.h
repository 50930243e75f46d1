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
  /// A private folder of the parent's where the worker writes each tensor's bytes (one file per
  /// tensor), so a reply never carries a tensor inside a protocol frame; a task's inputs can
  /// exceed a gigabyte (an embedding table of 128256 x 4096 bf16) and the frame limit with it.
  /// Empty: the bytes travel inside the reply, base64-encoded (small tensors, tests).
  std::string tensor_dir;
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
/// The tensors of a reply: each one's bytes written to `dir`/tensor<i>.bin when `dir` is given
/// (throws Error when a file cannot be written), else inline.
nlohmann::json ToJson(const std::vector<HostTensor>& tensors, const std::string& dir = "");
/// Reads them back, from `dir` for the ones written there; a missing file, a file name with a
/// path in it, or a size other than the one announced throws Error.
std::vector<HostTensor> HostTensorsFromJson(const nlohmann::json& j, const std::string& dir = "");

}  // namespace kopt
