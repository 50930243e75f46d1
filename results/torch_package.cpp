// SPDX-License-Identifier: Apache-2.0
#include "results/torch_package.h"

#include "core/error.h"
#include "core/host_values.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

namespace kopt {
namespace {

// Names a tensor parameter must not take in the generated Python: its keywords and the module
// names the operator's body uses.
const std::set<std::string, std::less<>> kTakenNames = {
    "False",   "None",     "True",     "and",    "as",   "assert", "async",  "await",
    "break",   "class",    "continue", "def",    "del",  "elif",   "else",   "except",
    "finally", "for",      "from",     "global", "if",   "import", "in",     "is",
    "lambda",  "nonlocal", "not",      "or",     "pass", "raise",  "return", "try",
    "while",   "with",     "yield",    "torch",  "os",   "KERNEL", "_rt"};

// A Python string literal: JSON's escapes are Python's, and ASCII only.
std::string Literal(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

std::string Identifier(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "t" + out;
  return out;
}

// Text for the docstring: a task's name is any string in task.json, so only [A-Za-z0-9_./-].
std::string DocText(const std::string& text) {
  std::string out;
  for (char c : text) {
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '-' ? c : '_';
  }
  return out;
}

std::string Parameter(const std::string& tensor) {
  return kTakenNames.count(tensor) ? tensor + "_" : tensor;
}

std::string Lambda(const std::string& expression) {
  return "lambda s: " + Expr::Parse(expression).ToPython();
}

// The symbol an extent names by itself ("ROWS"), or "" for a compound expression ("2*ROWS").
std::string BareSymbol(const std::string& extent, const Task& task) {
  std::string trimmed;
  for (char c : extent) {
    if (!std::isspace(static_cast<unsigned char>(c))) trimmed += c;
  }
  return task.symbols.count(trimmed) ? trimmed : "";
}

std::string SymbolDict(const SymbolTable& symbols) {
  std::string out = "{";
  for (const auto& [name, value] : symbols) {
    out += (out.size() > 1 ? ", " : "") + Literal(name) + ": " + std::to_string(value);
  }
  return out + "}";
}

std::string TensorSpecs(const Task& task, TensorRole role) {
  std::string out = "[\n";
  for (const TensorSpec& t : task.tensors) {
    if (t.role != role) continue;
    out += "        _rt.TensorSpec(" + Literal(t.name) + ", " +
           Literal(std::string(DTypeName(t.dtype))) + ", [";
    for (std::size_t i = 0; i < t.shape.size(); ++i) {
      std::string symbol = BareSymbol(t.shape[i], task);
      out += (i ? ", " : "") + std::string("_rt.Dim(") + Literal(t.shape[i]) + ", " +
             Lambda(t.shape[i]) + (symbol.empty() ? "" : ", " + Literal(symbol)) + ")";
    }
    out += "]),\n";
  }
  return out + "    ]";
}

std::string Dims3(std::vector<std::string> dims) {
  while (dims.size() < 3) dims.push_back("1");
  return "[" + Lambda(dims[0]) + ", " + Lambda(dims[1]) + ", " + Lambda(dims[2]) + "]";
}

std::string Argument(const LaunchArg& arg) {
  switch (arg.kind) {
    case LaunchArg::Kind::kTensor:
      return "(\"tensor\", " + Literal(arg.name) + ")";
    case LaunchArg::Kind::kWorkspace:
      return "(\"workspace\", " + Literal(arg.name) + ")";
    case LaunchArg::Kind::kInt32:
      return "(\"i32\", " + Lambda(arg.name) + ")";
    case LaunchArg::Kind::kInt64:
      return "(\"i64\", " + Lambda(arg.name.substr(arg.name.find(':') + 1)) + ")";
    case LaunchArg::Kind::kTensorMap:
      return "(\"tensor_map\", " + Literal(arg.name) + ")";
    case LaunchArg::Kind::kScalar:
      break;
  }
  return "(\"bits\", " + std::to_string(DTypeSize(arg.scalar_dtype)) + ", " +
         std::to_string(ScalarBits(arg.scalar_dtype, arg.scalar_value)) + ")";
}

// Python lists are indented by `indent` spaces: the variant's fields sit one level deeper than
// the kernel's.
std::string Launches(const std::vector<LaunchSpec>& launches, const LaunchPlan& plan,
                     const std::string& indent) {
  std::string out = "[\n";
  for (std::size_t i = 0; i < launches.size(); ++i) {
    const LaunchSpec& spec = launches[i];
    std::string in = indent + "    ";
    out += indent + "_rt.Launch(\n" + in + Literal(spec.kernel) + ",\n" + in +
           "grid=" + Dims3(spec.grid) + ",\n" + in + "block=" + Dims3(spec.block) + ",\n" + in +
           "cluster=" + (spec.cluster.empty() ? "None" : Dims3(spec.cluster)) + ",\n" + in +
           "smem=" + Lambda(spec.smem) + ",\n" + in + "args=[";
    for (std::size_t a = 0; a < plan.launches[i].args.size(); ++a) {
      out += (a ? ", " : "") + Argument(plan.launches[i].args[a]);
    }
    out += "]),\n";
  }
  return out + indent.substr(4) + "]";
}

std::string Lambdas(const std::vector<std::string>& expressions) {
  std::string out = "[";
  for (std::size_t i = 0; i < expressions.size(); ++i)
    out += (i ? ", " : "") + Lambda(expressions[i]);
  return out + "]";
}

// A tensor map's dtype and shape: the task tensor's, or those written for a workspace buffer.
std::string TensorMaps(const Task& task, const std::vector<TensorMapSpec>& maps,
                       const std::string& indent) {
  std::string out = "[\n";
  for (const TensorMapSpec& m : maps) {
    const TensorSpec* t = task.FindTensor(m.tensor);
    DType dtype = t ? t->dtype : m.dtype.value_or(DType::kU8);
    const std::vector<std::string>& shape = t ? t->shape : m.shape;
    out += indent + "_rt.TensorMap(" + Literal(m.name) + ", " + Literal(m.tensor) + ", " +
           Literal(std::string(DTypeName(dtype))) + ",\n" + indent +
           "              shape=" + Lambdas(shape) + ",\n" + indent +
           "              box=" + Lambdas(m.box) + ",\n" + indent +
           "              swizzle=" + std::to_string(static_cast<int>(m.swizzle)) +
           ", l2_promotion=" + std::to_string(static_cast<int>(m.l2_promotion)) +
           ", oob_fill=" + std::to_string(static_cast<int>(m.oob_fill)) + "),\n";
  }
  return out + indent.substr(4) + "]";
}

// Every variant with its predicate, workspace, tensor maps and launches. `plans` holds one plan
// per variant (PlanPerVariant), which gives each argument its kind.
std::string Variants(const Task& task, const LaunchBlock& block,
                     const std::vector<LaunchPlan>& plans) {
  std::string out = "[\n";
  const std::string in = "            ";
  for (std::size_t v = 0; v < block.variants.size(); ++v) {
    const LaunchVariant& variant = block.variants[v];
    auto plan = std::find_if(plans.begin(), plans.end(),
                             [&](const LaunchPlan& p) { return p.variant == v; });
    if (plan == plans.end()) {
      throw ConfigError(task.name + ": launch variant " + std::to_string(v) +
                        " is chosen at none of the task's sizes");
    }
    std::string workspace = "[";
    for (const WorkspaceSpec& w : variant.workspace) {
      workspace += (workspace.size() > 1 ? ", " : "") + std::string("(") + Literal(w.name) + ", " +
                   Lambda(w.bytes) + ")";
    }
    workspace += "]";
    out += "        _rt.Variant(\n" + in +
           "when=" + (variant.when.empty() ? "None" : Lambda(variant.when)) + ",\n" + in +
           "workspace=" + workspace + ",\n" + in +
           "tensor_maps=" + TensorMaps(task, variant.tensor_maps, in + "    ") + ",\n" + in +
           "launches=" + Launches(variant.launches, *plan, in + "    ") + "),\n";
  }
  return out + "    ]";
}

std::string Signature(const Task& task, TensorRole role, bool annotated) {
  std::string out;
  for (const TensorSpec& t : task.tensors) {
    if (t.role != role) continue;
    out += (out.empty() ? "" : ", ") + Parameter(t.name) + (annotated ? ": torch.Tensor" : "");
  }
  return out;
}

std::string TensorList(const Task& task, TensorRole role) {
  std::string out;
  for (const TensorSpec& t : task.tensors) {
    if (t.role != role) continue;
    std::string shape;
    for (const auto& d : t.shape) shape += (shape.empty() ? "" : ", ") + d;
    out += (out.empty() ? "" : ", ") + t.name + " " + std::string(DTypeName(t.dtype)) + " [" +
           shape + "]";
  }
  return out;
}

// What the sizes may be, in words, for the docstring.
std::string SizeRule(const Task& task) {
  std::string rule;
  for (const auto& [symbol, alignment] : task.contract.ragged) {
    std::int64_t largest = 0;
    for (const SymbolTable& size : task.AllSizes()) largest = std::max(largest, size.at(symbol));
    rule += symbol + ": any multiple of " + std::to_string(alignment) + " up to " +
            std::to_string(largest) + "; ";
  }
  std::string fixed;
  for (const auto& [symbol, value] : task.symbols) {
    bool ragged = false;
    for (const auto& r : task.contract.ragged) ragged |= r.first == symbol;
    if (!ragged) fixed += (fixed.empty() ? "" : ", ") + symbol;
  }
  if (!fixed.empty()) rule += fixed + ": as at one of the sizes checked; ";
  return rule + "the sizes checked: " + [&] {
    std::string sizes;
    for (const SymbolTable& size : task.AllSizes()) {
      sizes += (sizes.empty() ? "" : "; ") + SymbolsText(size);
    }
    return sizes;
  }() + ".";
}

std::string InitText(const ExportItem& item, const Task& task, const std::string& arch,
                     const std::string& package, const std::string& op_name,
                     const LaunchBlock& block, const std::vector<LaunchPlan>& plans) {
  const LeaderboardBest& best = *item.entry.best;
  std::string outputs = Signature(task, TensorRole::kOutput, false);
  std::size_t output_count = 0;
  for (const TensorSpec& t : task.tensors) output_count += t.role == TensorRole::kOutput;
  std::string returns = "torch.Tensor";
  if (output_count > 1) {
    returns = "tuple[";
    for (std::size_t i = 0; i < output_count; ++i)
      returns += (i ? ", " : "") + std::string("torch.Tensor");
    returns += "]";
  }
  std::string inputs = Signature(task, TensorRole::kInput, false);

  // Symbols no input's extent names by itself: the runtime takes them from a checked size.
  std::set<std::string> bound;
  for (const TensorSpec& t : task.tensors) {
    if (t.role != TensorRole::kInput) continue;
    for (const auto& d : t.shape) {
      if (std::string s = BareSymbol(d, task); !s.empty()) bound.insert(s);
    }
  }
  std::string unbound = "[";
  for (const auto& [name, value] : task.symbols) {
    if (!bound.count(name)) unbound += (unbound.size() > 1 ? ", " : "") + Literal(name);
  }
  unbound += "]";
  std::string ragged = "{";
  for (const auto& [symbol, alignment] : task.contract.ragged) {
    ragged += (ragged.size() > 1 ? ", " : "") + Literal(symbol) + ": " + std::to_string(alignment);
  }
  ragged += "}";
  std::string sizes = "[";
  for (const SymbolTable& size : task.AllSizes()) {
    sizes += (sizes.size() > 1 ? ", " : "") + SymbolDict(size);
  }
  sizes += "]";
  auto [major, minor] = ComputeCapabilityOf(arch);
  auto optional_number = [](const std::optional<Speedup>& s) {
    return s ? std::to_string(s->value) : std::string("None");
  };

  std::string t;
  t += "\"\"\"" + DocText(item.entry.task) +
       " as a PyTorch operator, exported by kopt: forward only (no "
       "autograd formula).\n\n";
  t += "    import torch, " + package + "\n";
  t += "    " + outputs + " = torch.ops.kopt." + op_name + "(" + inputs + ")\n\n";
  t += "Inputs: " + TensorList(task, TensorRole::kInput) + ".\n";
  t += "Returns: " + TensorList(task, TensorRole::kOutput) + ", new tensors.\n";
  t += "Each input must be a contiguous CUDA tensor on one GPU, starting on a 256-byte boundary;\n";
  t += "the kernel runs on that GPU's current stream. Sizes (what kopt checked it on): " +
       SizeRule(task) + "\n";
  t += "A call outside these raises _kopt_runtime.ExportedKernelError (a ValueError).\n\"\"\"\n";
  for (const std::string& line : ExportHeader(item)) t += "# " + line + "\n";
  t +=
      "import os\n\nimport torch\n\nfrom . import _kopt_runtime as _rt\n"
      "from ._kopt_runtime import cdiv, div, mod  # noqa: F401 (the size expressions use them)\n\n";
  t += "KERNEL_KEY = " + Literal(item.candidate.candidate.key) + "\n";
  t += "GPU = " + Literal(item.entry.device) + "\n";
  t += "ARCH = " + Literal(arch) + "\n";
  t += "# Measured by kopt on GPU: median milliseconds and speedups (None: not measured).\n";
  t += "MEDIAN_MS = " + std::to_string(best.event_ms.median) + "\n";
  t += "SPEEDUP_OVER_REFERENCE = " + optional_number(best.speedup) + "\n";
  t += "SPEEDUP_OVER_VENDOR = " + optional_number(best.baseline_speedup) + "\n";
  t += "SPEEDUP_OVER_TORCH_EAGER = " + optional_number(best.eager_speedup) + "\n";
  t += "SPEEDUP_OVER_TORCH_COMPILE = " + optional_number(best.compile_speedup) + "\n\n";
  t += "KERNEL = _rt.ExportedKernel(\n";
  t += "    op=" + Literal("kopt::" + op_name) + ",\n";
  t += "    directory=os.path.dirname(os.path.abspath(__file__)),\n";
  t += "    cubin=\"kernel.cubin\",\n";
  t += "    arch=ARCH,\n";
  t += "    compute_capability=(" + std::to_string(major) + ", " + std::to_string(minor) + "),\n";
  t += "    inputs=" + TensorSpecs(task, TensorRole::kInput) + ",\n";
  t += "    outputs=" + TensorSpecs(task, TensorRole::kOutput) + ",\n";
  t += "    unbound=" + unbound + ",\n";
  t += "    constants=" +
       SymbolDict(SymbolTable(item.candidate.candidate.tunables.begin(),
                              item.candidate.candidate.tunables.end())) +
       ",\n";
  t += "    ragged=" + ragged + ",\n";
  t += "    validated_sizes=" + sizes + ",\n";
  t += "    variants=" + Variants(task, block, plans) + ",\n";
  t += ")\n\n\n";
  t += "@torch.library.custom_op(" + Literal("kopt::" + op_name) + ", mutates_args=())\n";
  t += "def " + op_name + "(" + Signature(task, TensorRole::kInput, true) + ") -> " + returns +
       ":\n";
  t += "    return KERNEL.run(" + inputs + ")\n\n\n";
  t += "@" + op_name + ".register_fake\n";
  t += "def _" + op_name + "_fake(" + inputs + "):\n";
  t += "    return KERNEL.fake(" + inputs + ")\n";
  return t;
}

}  // namespace

TorchPackage MakeTorchPackage(const ExportItem& item, const Task& task, const std::string& arch,
                              const std::string& cubin) {
  bool has_input = false;
  for (const TensorSpec& t : task.tensors) has_input |= t.role == TensorRole::kInput;
  if (!has_input) throw ConfigError(task.name + ": a task without inputs has no operator form");
  std::string stem = item.stem;
  if (!item.only_gpu) stem += "." + DeviceSlug(item.entry.device);
  std::string op_name = Identifier(stem);
  const NewCandidate& c = item.candidate.candidate;
  LaunchBlock block = ParseLaunchBlock(c.source, "kernel.cu");
  std::vector<LaunchPlan> plans = PlanPerVariant(block, task, c.tunables, DeviceLimits{});

  TorchPackage package;
  package.name = "kopt_" + op_name;
  package.op = "kopt::" + op_name;
  package.files = {{"__init__.py", InitText(item, task, arch, package.name, op_name, block, plans)},
                   {"_kopt_runtime.py", std::string(TorchRuntimeScript())},
                   {"kernel.cubin", cubin},
                   {"kernel.cu", ExportText(item)}};
  return package;
}

std::string WriteTorchPackage(const TorchPackage& package, const std::string& out_dir) {
  std::filesystem::path folder = std::filesystem::path(out_dir) / package.name;
  std::filesystem::create_directories(folder);
  for (const auto& [name, content] : package.files) {
    std::filesystem::path path = folder / name;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    if (!file.flush()) throw Error(path.string() + ": cannot write the exported package");
  }
  return folder.string();
}

}  // namespace kopt
