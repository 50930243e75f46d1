// SPDX-License-Identifier: Apache-2.0
// The launch block of a candidate (or reference) source: a JSON object inside a
// /*@kopt ... @kopt*/ comment that says which kernels to launch, how, and with which arguments.
// Parsing and name checks need only the task; resolution to numbers needs a size and the
// device's limits.
#pragma once

#include "core/dtype.h"
#include "core/expr.h"
#include "core/task.h"
#include "core/tensor_map.h"

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kopt {

struct LaunchSpec {
  std::string kernel;
  std::vector<std::string> grid;     // 1-3 expressions
  std::vector<std::string> block;    // 1-3 expressions
  std::vector<std::string> cluster;  // empty, or 1-3 expressions (sm_90)
  std::string smem = "0";            // dynamic shared memory, bytes
  std::vector<std::string> args;
};

struct WorkspaceSpec {
  std::string name;
  std::string bytes;
};

/// One launch sequence with its buffers. A block holds one or more, and at each size the first
/// whose `when` holds runs.
struct LaunchVariant {
  std::string when;  // an expression over symbols and tunables; empty only in the last variant
  std::vector<LaunchSpec> launches;
  std::vector<WorkspaceSpec> workspace;
  std::vector<TensorMapSpec> tensor_maps;
};

struct LaunchBlock {
  /// One variant for a block written without "variants" (`has_variants` false), which names
  /// its fields without the "variants[i]." prefix.
  std::vector<LaunchVariant> variants;
  bool has_variants = false;
  /// Tunable name -> candidate values, in file order; each becomes -DNAME=value.
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> tunables;
};

/// Every launch of every variant, in order (the kernels a module must have).
std::vector<const LaunchSpec*> AllLaunches(const LaunchBlock& block);

/// One value per tunable.
using TunableChoice = std::map<std::string, std::int64_t, std::less<>>;

/// Finds and parses the launch block in `source`. `file` names the source in errors.
/// Throws ConfigError ("launch block: launch[0].grid: ...").
LaunchBlock ParseLaunchBlock(const std::string& source, const std::string& file);

/// The first value of every tunable, overridden by `overrides`; an override naming no tunable or
/// a value outside its list is a ConfigError.
TunableChoice ChooseTunables(const LaunchBlock& block, const TunableChoice& overrides);
/// "-DBM=64" for each choice.
std::vector<std::string> TunableDefines(const TunableChoice& choice);
nlohmann::json TunablesToJson(const TunableChoice& choice);

struct DeviceLimits {
  std::int64_t max_threads_per_block = 1024;
  std::array<std::int64_t, 3> max_block = {1024, 1024, 64};
  std::array<std::int64_t, 3> max_grid = {2147483647, 65535, 65535};
  std::int64_t max_smem_per_block = 232448;  // opt-in maximum (H100)
  bool clusters = true;
};

/// Checks every name and expression against the task on all of its sizes, with `choice` for the
/// tunables, within `limits` (an H100's when not given): the variant chosen at each size, its
/// tensor maps under TMA's rules, and that every variant is chosen at one of the task's sizes at
/// least (so the checks run it). Throws ConfigError with a message an LLM can act on.
void ValidateLaunchBlock(const LaunchBlock& block, const Task& task, const TunableChoice& choice,
                         const std::string& file, const DeviceLimits& limits);
void ValidateLaunchBlock(const LaunchBlock& block, const Task& task, const TunableChoice& choice,
                         const std::string& file);

/// A kernel argument as it is passed: a buffer pointer or a value.
struct LaunchArg {
  enum class Kind { kTensor, kWorkspace, kInt32, kInt64, kScalar, kTensorMap };
  Kind kind = Kind::kInt32;
  std::string name;  // kTensorMap: the map's name in `LaunchPlan::tensor_maps`
  std::int64_t int_value = 0;
  double scalar_value = 0;
  DType scalar_dtype = DType::kF32;
};

struct ResolvedLaunch {
  std::string kernel;
  std::array<std::uint32_t, 3> grid = {1, 1, 1};
  std::array<std::uint32_t, 3> block = {1, 1, 1};
  std::array<std::uint32_t, 3> cluster = {0, 0, 0};  // zeros: no cluster
  std::uint32_t smem = 0;
  std::vector<LaunchArg> args;
};

/// A tensor map at one size: encoded by the worker with the address of buffer `buffer` (a task
/// tensor or workspace buffer) each time it launches.
struct ResolvedTensorMap {
  std::string name;
  std::string buffer;
  TensorMapParams params;
};

struct LaunchPlan {
  std::size_t variant = 0;  // index into LaunchBlock::variants
  std::vector<ResolvedLaunch> launches;
  std::vector<std::pair<std::string, std::int64_t>> workspace_bytes;
  std::vector<ResolvedTensorMap> tensor_maps;
};

/// Evaluates the block for one size and tunable choice: picks the variant, then resolves it;
/// throws ConfigError when a dimension is not positive or exceeds `limits`, or a tensor map
/// breaks TMA's rules.
LaunchPlan ResolveLaunchBlock(const LaunchBlock& block, const Task& task,
                              const SymbolTable& symbols, const TunableChoice& choice,
                              const DeviceLimits& limits);

/// One plan per variant, each at the first of the task's sizes that chooses it and resolves (in
/// AllSizes order); a variant no size resolves has none. What the signature check compiles
/// against, so one size that fails to resolve does not lose the checks of the others.
std::vector<LaunchPlan> PlanPerVariant(const LaunchBlock& block, const Task& task,
                                       const TunableChoice& choice, const DeviceLimits& limits);

/// The variants that `sizes` choose (sizes that do not resolve choose none).
std::set<std::size_t> ChosenVariants(const LaunchBlock& block, const Task& task,
                                     const std::vector<SymbolTable>& sizes,
                                     const TunableChoice& choice, const DeviceLimits& limits);

/// "variant 1 of 2 (K % 8 == 0 && N % 8 == 0)", or "" for a block without variants: how a
/// result names the variant that ran.
std::string VariantText(const LaunchBlock& block, std::size_t variant);

nlohmann::json LaunchBlockToJson(const LaunchBlock& block);

}  // namespace kopt
