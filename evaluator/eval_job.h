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

}  // namespace kopt
