// SPDX-License-Identifier: Apache-2.0
// A task: the problem a kernel solves (tensors, sizes, tolerance, cost model) and its reference
// kernel. Loaded from tasks/<suite>/<task>/{task.json, reference.cu} and validated strictly.
#pragma once

#include "core/compare.h"
#include "core/dtype.h"
#include "core/expr.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace kopt {

inline constexpr int kTaskSchemaVersion = 1;

enum class TensorRole { kInput, kOutput };

/// How an input is drawn. normal: (a, b) = (mean, std); uniform: [a, b); randint: [a, b);
/// constant: a; spike: normal(0, b) with a at every `every`-th element (from a random offset).
/// The values are fixed: the fill kernel takes the enum as an int.
enum class InitDist { kNormal, kUniform, kRandint, kConstant, kSpike };
struct InitSpec {
  InitDist dist = InitDist::kNormal;
  double a = 0;
  double b = 1;
  std::int64_t every = 0;  // spike only
};

/// An extra input case a correct kernel must survive, where a kernel that is right only on the
/// default data fails: large magnitudes, constant rows, one dominant element, zeros, ties. Its
/// inputs override the tensors' init; the others keep theirs. Checked at the check sizes.
struct InputCase {
  std::string name;
  std::string why;
  std::vector<std::pair<std::string, InitSpec>> inputs;  // tensor name -> init
};

/// What a kernel may assume and must do, beyond the tolerance: the symbols that may take any
/// value (a multiple of the given alignment; each evaluation also checks a size drawn from
/// them), the compute precision allowed, and how ties are broken.
struct TaskContract {
  std::vector<std::pair<std::string, std::int64_t>> ragged;  // symbol -> alignment
  std::string precision;  // e.g. "fp32 accumulation; TF32 and bf16 operands are not allowed"
  std::string ties;       // e.g. "the lowest index wins"
};

struct TensorSpec {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<std::string> shape;  // integer expressions over the symbols
  TensorRole role = TensorRole::kInput;
  InitSpec init;
};

struct ScalarSpec {
  std::string name;
  DType dtype = DType::kF32;
  double value = 0;
};

/// A vendor-library implementation timed beside the reference. Only GEMM through cuBLASLt for
/// now: C = epilogue(A @ B (+ bias)) on row-major tensors, `batch` matrices one after another.
/// The JSON form is an object with these keys; the string "cublas" means all defaults.
struct BaselineSpec {
  std::string library = "cublas";
  std::string op = "gemm";
  std::string a = "A", b = "B", c = "C";  // tensor names
  std::string m = "M", n = "N", k = "K";  // expressions
  std::string batch = "1";
  bool b_transposed = false;      // B stored as [N, K] (a weight matrix) instead of [K, N]
  std::string bias;               // optional input tensor of N elements, added per column
  std::string epilogue = "none";  // none, relu, gelu (tanh approximation, as cuBLASLt computes it)
};

struct Task {
  std::string name;
  std::string description;
  std::string op_class;
  std::string dir;  // folder holding task.json and reference.cu ("" when parsed from text)
  SymbolTable symbols;
  /// Extra sizes checked for correctness, each a full symbol table (defaults filled in).
  std::vector<SymbolTable> check_symbols;
  std::vector<TensorSpec> tensors;
  std::vector<ScalarSpec> scalars;
  Tolerance tolerance;
  std::string flops = "0";
  std::string bytes = "0";
  std::optional<BaselineSpec> baseline;
  bool fast_math = false;
  std::vector<InputCase> input_cases;
  TaskContract contract;
  /// The task in PyTorch: Python source, run as tasks/README.md says; "" when absent.
  std::string torch;
  std::string task_json;         // the file's text, as read
  std::string reference_source;  // reference.cu
  /// starter.cu (optional): a hand-written first kernel, often with tunables, that the search
  /// starts from beside the reference. Not part of the task's identity.
  std::string starter_source;
  /// SHA-256 over task.json and reference.cu: an edited task is a new task.
  std::string content_hash;

  const TensorSpec* FindTensor(const std::string& name) const;
  const ScalarSpec* FindScalar(const std::string& name) const;
  /// The main size first, then every check size.
  std::vector<SymbolTable> AllSizes() const;
};

/// Loads and validates a task folder. Throws ConfigError naming the file and field.
Task LoadTask(const std::string& dir);
/// Validates task.json text; `file` is used in error messages. reference_source stays empty.
Task ParseTask(const std::string& task_json, const std::string& file);
/// Every task folder under `suite_dir`, sorted by name. Every folder is read: a ConfigError
/// names each invalid task, not only the first.
std::vector<Task> LoadSuite(const std::string& suite_dir);
/// The suites under `tasks_root`: its folders holding at least one task folder, sorted.
std::vector<std::string> ListSuites(const std::string& tasks_root);

std::vector<std::int64_t> TensorShape(const TensorSpec& tensor, const SymbolTable& symbols);
std::int64_t ElementCount(const std::vector<std::int64_t>& shape);

}  // namespace kopt
