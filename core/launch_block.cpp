// SPDX-License-Identifier: Apache-2.0
#include "core/launch_block.h"

#include "core/json_fields.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace kopt {
namespace {

using nlohmann::json;

constexpr std::string_view kOpen = "/*@kopt";
constexpr std::string_view kClose = "@kopt*/";
constexpr std::string_view kInt64Prefix = "i64:";

std::vector<std::string> Dims(const json& j, const JsonWhere& where, bool required) {
  if (j.is_null() && !required) return {};
  if (!j.is_array()) where.Fail("expected an array of 1 to 3 integers or expressions");
  if (j.empty() || j.size() > 3)
    where.Fail("expected 1 to 3 dimensions, got " + std::to_string(j.size()));
  std::vector<std::string> dims;
  for (std::size_t i = 0; i < j.size(); ++i) dims.push_back(ExprTextAt(j[i], where.Index(i)));
  return dims;
}

bool IsName(const std::string& s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

// Resolves a block for one size. Failure messages carry `where` so the writer can find the field.
class Resolver {
 public:
  Resolver(const LaunchBlock& block, const Task& task, const SymbolTable& symbols,
           const TunableChoice& choice, const DeviceLimits& limits, std::string file)
      : block_(block), task_(task), limits_(limits), root_(std::move(file), "launch block") {
    env_ = symbols;
    for (const auto& [name, value] : choice) env_[name] = value;
  }

  /// The index of the first variant whose `when` holds at this size.
  std::size_t Choose() const {
    for (std::size_t v = 0; v < block_.variants.size(); ++v) {
      const std::string& when = block_.variants[v].when;
      if (when.empty() || Eval(when, VariantWhere(v).Key("when")) != 0) return v;
    }
    // Parsing makes the last variant unconditional; a hand-built block may not be.
    root_.Fail("no variant's \"when\" holds at this size, and the last variant must have none");
  }

  LaunchPlan Resolve() {
    LaunchPlan plan;
    plan.variant = Choose();
    const LaunchVariant& variant = block_.variants[plan.variant];
    const JsonWhere where = VariantWhere(plan.variant);
    variant_ = &variant;
    for (std::size_t w = 0; w < variant.workspace.size(); ++w) {
      JsonWhere at = where.Key("workspace").Index(w).Key("bytes");
      std::int64_t bytes = Eval(variant.workspace[w].bytes, at);
      if (bytes <= 0) at.Fail("evaluates to " + std::to_string(bytes) + ", must be positive");
      plan.workspace_bytes.emplace_back(variant.workspace[w].name, bytes);
    }
    for (std::size_t m = 0; m < variant.tensor_maps.size(); ++m) {
      plan.tensor_maps.push_back(ResolveTensorMap(variant.tensor_maps[m], plan.workspace_bytes,
                                                  where.Key("tensor_maps").Index(m)));
    }
    for (std::size_t i = 0; i < variant.launches.size(); ++i) {
      plan.launches.push_back(ResolveOne(variant.launches[i], where.Key("launch").Index(i)));
    }
    return plan;
  }

 private:
  std::int64_t Eval(const std::string& text, const JsonWhere& where) const {
    try {
      return EvalExpr(text, env_);
    } catch (const ExprError& e) {
      where.Fail(e.what());
    }
  }

  std::array<std::uint32_t, 3> Dims3(const std::vector<std::string>& dims, const JsonWhere& where,
                                     const std::array<std::int64_t, 3>& max) const {
    std::array<std::uint32_t, 3> out = {1, 1, 1};
    for (std::size_t d = 0; d < dims.size(); ++d) {
      std::int64_t v = Eval(dims[d], where.Index(d));
      if (v <= 0) where.Index(d).Fail("evaluates to " + std::to_string(v) + ", must be positive");
      if (v > max[d]) {
        where.Index(d).Fail("evaluates to " + std::to_string(v) + ", above the device's limit of " +
                            std::to_string(max[d]));
      }
      out[d] = static_cast<std::uint32_t>(v);
    }
    return out;
  }

  JsonWhere VariantWhere(std::size_t v) const {
    return block_.has_variants ? root_.Key("variants").Index(v) : root_;
  }

  bool IsWorkspace(const std::string& name) const {
    return std::any_of(variant_->workspace.begin(), variant_->workspace.end(),
                       [&](const WorkspaceSpec& w) { return w.name == name; });
  }

  bool IsTensorMap(const std::string& name) const {
    return std::any_of(variant_->tensor_maps.begin(), variant_->tensor_maps.end(),
                       [&](const TensorMapSpec& m) { return m.name == name; });
  }

  std::string KnownNames() const {
    std::string out = "tensors:";
    for (const auto& t : task_.tensors) out += " " + t.name;
    out += "; symbols:";
    for (const auto& [name, v] : env_) out += " " + name;
    if (!task_.scalars.empty()) {
      out += "; scalars:";
      for (const auto& s : task_.scalars) out += " " + s.name;
    }
    if (!variant_->workspace.empty()) {
      out += "; workspace:";
      for (const auto& w : variant_->workspace) out += " " + w.name;
    }
    if (!variant_->tensor_maps.empty()) {
      out += "; tensor maps:";
      for (const auto& m : variant_->tensor_maps) out += " " + m.name;
    }
    return out;
  }

  std::vector<std::int64_t> EvalAll(const std::vector<std::string>& exprs,
                                    const JsonWhere& where) const {
    std::vector<std::int64_t> out;
    for (std::size_t d = 0; d < exprs.size(); ++d) out.push_back(Eval(exprs[d], where.Index(d)));
    return out;
  }

  ResolvedTensorMap ResolveTensorMap(
      const TensorMapSpec& spec,
      const std::vector<std::pair<std::string, std::int64_t>>& workspace_bytes,
      const JsonWhere& where) const {
    // A task tensor brings its dtype and shape; a workspace buffer's are written in the map
    // (parsing made sure of which is which).
    DType dtype = DType::kF32;
    std::vector<std::string> shape;
    std::vector<std::int64_t> dims;
    if (const TensorSpec* t = task_.FindTensor(spec.tensor)) {
      dtype = t->dtype;
      shape = t->shape;
      dims = EvalAll(shape, where.Key("tensor"));
    } else {
      auto ws = std::find_if(workspace_bytes.begin(), workspace_bytes.end(),
                             [&](const auto& w) { return w.first == spec.tensor; });
      if (ws == workspace_bytes.end()) {
        where.Key("tensor").Fail("'" + spec.tensor + "' is neither a tensor of the task nor a " +
                                 "workspace buffer of this launch sequence (" + KnownNames() + ")");
      }
      if (!spec.dtype || spec.shape.empty()) {
        where.Fail("a tensor map of workspace buffer '" + spec.tensor +
                   "' needs \"dtype\" and \"shape\"");
      }
      dtype = *spec.dtype;
      shape = spec.shape;
      dims = EvalAll(shape, where.Key("shape"));
      std::int64_t bytes = static_cast<std::int64_t>(DTypeSize(dtype));
      for (std::int64_t d : dims) {
        if (d <= 0) where.Key("shape").Fail("a dimension evaluates to " + std::to_string(d));
        if (__builtin_mul_overflow(bytes, d, &bytes)) where.Key("shape").Fail("overflow");
      }
      if (bytes > ws->second) {
        where.Key("shape").Fail("covers " + std::to_string(bytes) + " bytes, more than the " +
                                std::to_string(ws->second) + " of workspace buffer '" +
                                spec.tensor + "'");
      }
    }
    if (spec.box.size() != shape.size()) {
      where.Key("box").Fail("has " + std::to_string(spec.box.size()) + " dimensions, '" +
                            spec.tensor + "' has " + std::to_string(shape.size()) +
                            " (the box follows the tensor's shape, outermost first)");
    }
    std::vector<std::int64_t> box = EvalAll(spec.box, where.Key("box"));
    ResolvedTensorMap out;
    out.name = spec.name;
    out.buffer = spec.tensor;
    out.params =
        DenseTensorMapParams(dtype, dims, box, spec.swizzle, spec.l2_promotion, spec.oob_fill);
    if (std::string problem = TensorMapProblem(out.params, shape); !problem.empty()) {
      where.Fail("tensor map '" + spec.name + "' of " + spec.tensor + ": " + problem);
    }
    return out;
  }

  LaunchArg ResolveArg(const std::string& text, const JsonWhere& where) const {
    LaunchArg arg;
    arg.name = text;
    if (IsName(text)) {
      if (task_.FindTensor(text)) {
        arg.kind = LaunchArg::Kind::kTensor;
        return arg;
      }
      if (IsWorkspace(text)) {
        arg.kind = LaunchArg::Kind::kWorkspace;
        return arg;
      }
      if (IsTensorMap(text)) {
        arg.kind = LaunchArg::Kind::kTensorMap;
        return arg;
      }
      if (const ScalarSpec* s = task_.FindScalar(text)) {
        arg.kind = LaunchArg::Kind::kScalar;
        arg.scalar_value = s->value;
        arg.scalar_dtype = s->dtype;
        return arg;
      }
      if (!env_.count(text)) where.Fail("unknown name '" + text + "' (" + KnownNames() + ")");
    }
    std::string expr = text;
    arg.kind = LaunchArg::Kind::kInt32;
    if (expr.rfind(kInt64Prefix, 0) == 0) {
      arg.kind = LaunchArg::Kind::kInt64;
      expr = expr.substr(kInt64Prefix.size());
    }
    arg.int_value = Eval(expr, where);
    if (arg.kind == LaunchArg::Kind::kInt32 &&
        (arg.int_value > INT32_MAX || arg.int_value < INT32_MIN)) {
      where.Fail("value " + std::to_string(arg.int_value) +
                 " does not fit an int; write \"i64:" + expr + "\" to pass a long long");
    }
    return arg;
  }

  ResolvedLaunch ResolveOne(const LaunchSpec& spec, const JsonWhere& where) const {
    ResolvedLaunch out;
    out.kernel = spec.kernel;
    out.grid = Dims3(spec.grid, where.Key("grid"), limits_.max_grid);
    out.block = Dims3(spec.block, where.Key("block"), limits_.max_block);
    std::int64_t threads = std::int64_t{out.block[0]} * out.block[1] * out.block[2];
    if (threads > limits_.max_threads_per_block) {
      where.Key("block").Fail(std::to_string(threads) + " threads per block, above the device's " +
                              std::to_string(limits_.max_threads_per_block));
    }
    if (!spec.cluster.empty()) {
      if (!limits_.clusters) where.Key("cluster").Fail("this device has no thread-block clusters");
      out.cluster = Dims3(spec.cluster, where.Key("cluster"), {8, 8, 8});
      for (int d = 0; d < 3; ++d) {
        if (out.grid[d] % out.cluster[d] != 0) {
          where.Key("cluster").Fail("grid dimension " + std::to_string(d) + " (" +
                                    std::to_string(out.grid[d]) +
                                    ") is not a multiple of the cluster dimension");
        }
      }
    }
    std::int64_t smem = Eval(spec.smem, where.Key("smem"));
    if (smem < 0) where.Key("smem").Fail("must not be negative");
    if (smem > limits_.max_smem_per_block) {
      where.Key("smem").Fail(std::to_string(smem) +
                             " bytes of dynamic shared memory, above the "
                             "device's limit of " +
                             std::to_string(limits_.max_smem_per_block));
    }
    out.smem = static_cast<std::uint32_t>(smem);
    for (std::size_t a = 0; a < spec.args.size(); ++a) {
      out.args.push_back(ResolveArg(spec.args[a], where.Key("args").Index(a)));
    }
    return out;
  }

  const LaunchBlock& block_;
  const Task& task_;
  const DeviceLimits& limits_;
  JsonWhere root_;
  SymbolTable env_;
  const LaunchVariant* variant_ = nullptr;
};

}  // namespace

namespace {

LaunchSpec ParseLaunch(const json& l, const JsonWhere& where) {
  RejectUnknownKeys(l, where, {"kernel", "grid", "block", "cluster", "smem", "args"});
  LaunchSpec spec;
  spec.kernel = RequiredString(l, "kernel", where);
  if (!IsName(spec.kernel)) where.Key("kernel").Fail("'" + spec.kernel + "' is not a C identifier");
  if (spec.kernel.rfind("kopt_", 0) == 0)
    where.Key("kernel").Fail("'" + spec.kernel + "': names starting with kopt_ are kopt's own");
  spec.grid = Dims(RequiredField(l, "grid", where), where.Key("grid"), true);
  spec.block = Dims(RequiredField(l, "block", where), where.Key("block"), true);
  spec.cluster = Dims(l.value("cluster", json()), where.Key("cluster"), false);
  if (auto it = l.find("smem"); it != l.end()) spec.smem = ExprTextAt(*it, where.Key("smem"));
  const json& args = RequiredField(l, "args", where);
  RequireArray(args, where.Key("args"));
  for (std::size_t a = 0; a < args.size(); ++a) {
    if (!args[a].is_string())
      where.Key("args").Index(a).Fail("expected a name or expression string");
    spec.args.push_back(args[a].get<std::string>());
  }
  return spec;
}

std::vector<std::string> Expressions(const json& j, const JsonWhere& where) {
  RequireArray(j, where);
  if (j.empty() || j.size() > kTensorMapMaxRank) where.Fail("expected 1 to 5 dimensions");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(ExprTextAt(j[i], where.Index(i)));
  return out;
}

template <class Enum>
Enum EnumField(const json& j, const char* key, const JsonWhere& where, Enum fallback,
               std::optional<Enum> (*parse)(std::string_view), const char* choices) {
  std::optional<std::string> text = OptionalString(j, key, where);
  if (!text) return fallback;
  std::optional<Enum> value = parse(*text);
  if (!value) where.Key(key).Fail("'" + *text + "' is not one of " + choices);
  return *value;
}

TensorMapSpec ParseTensorMap(const json& j, const JsonWhere& where) {
  RejectUnknownKeys(
      j, where, {"name", "tensor", "box", "swizzle", "l2_promotion", "oob_fill", "dtype", "shape"});
  TensorMapSpec spec;
  spec.name = RequiredString(j, "name", where);
  if (!IsName(spec.name)) where.Key("name").Fail("'" + spec.name + "' is not a C identifier");
  spec.tensor = RequiredString(j, "tensor", where);
  spec.box = Expressions(RequiredField(j, "box", where), where.Key("box"));
  spec.swizzle = EnumField(j, "swizzle", where, TmaSwizzle::kNone, &ParseTmaSwizzle,
                           "\"none\", \"32B\", \"64B\", \"128B\"");
  spec.l2_promotion = EnumField(j, "l2_promotion", where, TmaL2Promotion::kNone,
                                &ParseTmaL2Promotion, "\"none\", \"64B\", \"128B\", \"256B\"");
  spec.oob_fill =
      EnumField(j, "oob_fill", where, TmaOobFill::kZero, &ParseTmaOobFill, "\"zero\", \"nan\"");
  if (std::optional<std::string> dtype = OptionalString(j, "dtype", where)) {
    spec.dtype = ParseDType(*dtype);
    if (!spec.dtype) where.Key("dtype").Fail("unknown dtype '" + *dtype + "'");
  }
  if (auto it = j.find("shape"); it != j.end()) spec.shape = Expressions(*it, where.Key("shape"));
  return spec;
}

// The launch sequence, workspace and tensor maps of one variant (or of a block without
// variants), read from `j` where they sit.
void ParseSequence(const json& j, const JsonWhere& where, LaunchVariant& variant) {
  const json& launches = RequiredField(j, "launch", where);
  RequireArray(launches, where.Key("launch"));
  if (launches.empty()) where.Key("launch").Fail("needs at least one kernel launch");
  for (std::size_t i = 0; i < launches.size(); ++i) {
    variant.launches.push_back(ParseLaunch(launches[i], where.Key("launch").Index(i)));
  }
  if (auto it = j.find("workspace"); it != j.end()) {
    RequireArray(*it, where.Key("workspace"));
    for (std::size_t w = 0; w < it->size(); ++w) {
      JsonWhere at = where.Key("workspace").Index(w);
      RejectUnknownKeys((*it)[w], at, {"name", "bytes"});
      WorkspaceSpec ws;
      ws.name = RequiredString((*it)[w], "name", at);
      if (!IsName(ws.name)) at.Key("name").Fail("'" + ws.name + "' is not a C identifier");
      ws.bytes = ExprTextAt(RequiredField((*it)[w], "bytes", at), at.Key("bytes"));
      variant.workspace.push_back(std::move(ws));
    }
  }
  if (auto it = j.find("tensor_maps"); it != j.end()) {
    RequireArray(*it, where.Key("tensor_maps"));
    for (std::size_t m = 0; m < it->size(); ++m) {
      variant.tensor_maps.push_back(ParseTensorMap((*it)[m], where.Key("tensor_maps").Index(m)));
    }
  }
}

}  // namespace

LaunchBlock ParseLaunchBlock(const std::string& source, const std::string& file) {
  JsonWhere root(file, "launch block");
  std::size_t open = source.find(kOpen);
  if (open == std::string::npos) {
    root.Fail("missing: the source must contain a /*@kopt {\"launch\": [...]} @kopt*/ comment");
  }
  std::size_t close = source.find(kClose, open);
  if (close == std::string::npos) root.Fail("not closed: expected @kopt*/ after /*@kopt");
  if (source.find(kOpen, close) != std::string::npos) root.Fail("more than one /*@kopt block");
  std::string text = source.substr(open + kOpen.size(), close - open - kOpen.size());
  json j = ParseJsonAt(text, root);
  RejectUnknownKeys(j, root, {"launch", "workspace", "tensor_maps", "variants", "tunables"});
  LaunchBlock block;
  if (auto it = j.find("variants"); it != j.end()) {
    for (const char* key : {"launch", "workspace", "tensor_maps"}) {
      if (j.contains(key)) {
        root.Key(key).Fail("a block with \"variants\" has its launches, workspace and tensor " +
                           std::string("maps inside each variant"));
      }
    }
    block.has_variants = true;
    JsonWhere where = root.Key("variants");
    RequireArray(*it, where);
    if (it->empty()) where.Fail("needs at least one variant");
    for (std::size_t v = 0; v < it->size(); ++v) {
      const json& vj = (*it)[v];
      JsonWhere at = where.Index(v);
      RejectUnknownKeys(vj, at, {"when", "launch", "workspace", "tensor_maps"});
      LaunchVariant variant;
      bool last = v + 1 == it->size();
      if (auto when = vj.find("when"); when != vj.end()) {
        if (last) {
          at.Key("when").Fail(
              "the last variant must have no \"when\": it runs at every size "
              "the others do not take");
        }
        if (!when->is_string()) at.Key("when").Fail("expected an expression string");
        variant.when = when->get<std::string>();
        try {
          Expr::Parse(variant.when);
        } catch (const ExprError& e) {
          at.Key("when").Fail(e.what());
        }
      } else if (!last) {
        at.Fail("needs a \"when\" (only the last variant runs unconditionally)");
      }
      ParseSequence(vj, at, variant);
      block.variants.push_back(std::move(variant));
    }
  } else {
    block.variants.emplace_back();
    ParseSequence(j, root, block.variants.back());
  }
  if (auto it = j.find("tunables"); it != j.end()) {
    RequireObject(*it, root.Key("tunables"));
    for (const auto& [name, values] : it->items()) {
      JsonWhere where = root.Key("tunables").Key(name);
      if (!IsName(name)) where.Fail("not a C identifier");
      if (!values.is_array() || values.empty())
        where.Fail("expected a non-empty array of integers");
      std::vector<std::int64_t> list;
      for (const auto& v : values) {
        if (!v.is_number_integer()) where.Fail("expected integers");
        list.push_back(v.get<std::int64_t>());
      }
      block.tunables.emplace_back(name, std::move(list));
    }
  }
  return block;
}

std::vector<const LaunchSpec*> AllLaunches(const LaunchBlock& block) {
  std::vector<const LaunchSpec*> out;
  for (const auto& v : block.variants) {
    for (const auto& l : v.launches) out.push_back(&l);
  }
  return out;
}

TunableChoice ChooseTunables(const LaunchBlock& block, const TunableChoice& overrides) {
  TunableChoice choice;
  for (const auto& [name, values] : block.tunables) choice[name] = values.front();
  for (const auto& [name, value] : overrides) {
    auto it = std::find_if(block.tunables.begin(), block.tunables.end(),
                           [&name = name](const auto& t) { return t.first == name; });
    if (it == block.tunables.end())
      throw ConfigError("tunable '" + name + "' is not in the launch block");
    if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
      throw ConfigError("tunable " + name + "=" + std::to_string(value) +
                        " is not one of its values");
    }
    choice[name] = value;
  }
  return choice;
}

nlohmann::json TunablesToJson(const TunableChoice& choice) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : choice) j[name] = value;
  return j;
}

std::vector<std::string> TunableDefines(const TunableChoice& choice) {
  std::vector<std::string> out;
  for (const auto& [name, value] : choice) out.push_back("-D" + name + "=" + std::to_string(value));
  return out;
}

void ValidateLaunchBlock(const LaunchBlock& block, const Task& task, const TunableChoice& choice,
                         const std::string& file) {
  ValidateLaunchBlock(block, task, choice, file, DeviceLimits{});
}

void ValidateLaunchBlock(const LaunchBlock& block, const Task& task, const TunableChoice& choice,
                         const std::string& file, const DeviceLimits& limits) {
  std::set<std::string> task_names;
  for (const auto& t : task.tensors) task_names.insert(t.name);
  for (const auto& s : task.scalars) task_names.insert(s.name);
  for (const auto& [name, v] : task.symbols) task_names.insert(name);
  JsonWhere root(file, "launch block");
  for (const auto& [name, values] : block.tunables) {
    if (!task_names.insert(name).second) {
      root.Key("tunables").Key(name).Fail("clashes with a name of the task or block");
    }
  }
  for (std::size_t v = 0; v < block.variants.size(); ++v) {
    const LaunchVariant& variant = block.variants[v];
    JsonWhere at = block.has_variants ? root.Key("variants").Index(v) : root;
    std::set<std::string> names = task_names;
    for (std::size_t w = 0; w < variant.workspace.size(); ++w) {
      if (!names.insert(variant.workspace[w].name).second) {
        at.Key("workspace")
            .Index(w)
            .Key("name")
            .Fail("'" + variant.workspace[w].name + "' is already a name of the task or block");
      }
    }
    for (std::size_t m = 0; m < variant.tensor_maps.size(); ++m) {
      const TensorMapSpec& map = variant.tensor_maps[m];
      JsonWhere where = at.Key("tensor_maps").Index(m);
      if (!names.insert(map.name).second) {
        where.Key("name").Fail("'" + map.name + "' is already a name of the task or block");
      }
      // A task tensor's element type and shape are the task's; only a workspace buffer, which
      // has neither, may state them.
      if (task.FindTensor(map.tensor) && (map.dtype || !map.shape.empty())) {
        where.Fail("'" + map.tensor + "' is a task tensor: kopt takes its dtype and shape from " +
                   "the task, so leave out \"dtype\" and \"shape\"");
      }
    }
  }
  std::vector<bool> chosen(block.variants.size(), false);
  for (const auto& size : task.AllSizes()) {
    try {
      chosen[Resolver(block, task, size, choice, limits, file).Resolve().variant] = true;
    } catch (const ConfigError& e) {
      throw ConfigError(std::string(e.what()) + " (at size " + SymbolsText(size) + ")");
    }
  }
  for (std::size_t v = 0; v < chosen.size(); ++v) {
    if (!chosen[v]) {
      root.Key("variants")
          .Index(v)
          .Fail(
              "is chosen at none of the task's sizes, so no check would ever run it; make its "
              "\"when\" hold at one of them or remove it");
    }
  }
}

LaunchPlan ResolveLaunchBlock(const LaunchBlock& block, const Task& task,
                              const SymbolTable& symbols, const TunableChoice& choice,
                              const DeviceLimits& limits) {
  return Resolver(block, task, symbols, choice, limits, "candidate").Resolve();
}

std::vector<LaunchPlan> PlanPerVariant(const LaunchBlock& block, const Task& task,
                                       const TunableChoice& choice, const DeviceLimits& limits) {
  std::vector<std::optional<LaunchPlan>> found(block.variants.size());
  for (const auto& size : task.AllSizes()) {
    // A size that does not resolve leaves its variant to another size: the worker reports the
    // failure at that size, while every variant that resolves somewhere keeps its checks.
    try {
      LaunchPlan plan = Resolver(block, task, size, choice, limits, "candidate").Resolve();
      if (!found[plan.variant]) found[plan.variant] = std::move(plan);
    } catch (const ConfigError&) {
    }
  }
  std::vector<LaunchPlan> out;
  for (auto& plan : found) {
    if (plan) out.push_back(std::move(*plan));
  }
  return out;
}

std::set<std::size_t> ChosenVariants(const LaunchBlock& block, const Task& task,
                                     const std::vector<SymbolTable>& sizes,
                                     const TunableChoice& choice, const DeviceLimits& limits) {
  std::set<std::size_t> chosen;
  for (const auto& size : sizes) {
    try {
      chosen.insert(Resolver(block, task, size, choice, limits, "candidate").Choose());
    } catch (const ConfigError&) {
    }
  }
  return chosen;
}

std::string VariantText(const LaunchBlock& block, std::size_t variant) {
  if (!block.has_variants || variant >= block.variants.size()) return "";
  std::string text =
      "variant " + std::to_string(variant) + " of " + std::to_string(block.variants.size());
  const std::string& when = block.variants[variant].when;
  return text + (when.empty() ? " (otherwise)" : " (" + when + ")");
}

namespace {

json SequenceToJson(const LaunchVariant& variant) {
  json launches = json::array();
  for (const auto& l : variant.launches) {
    json o = {{"kernel", l.kernel},
              {"grid", l.grid},
              {"block", l.block},
              {"smem", l.smem},
              {"args", l.args}};
    if (!l.cluster.empty()) o["cluster"] = l.cluster;
    launches.push_back(o);
  }
  json out = {{"launch", launches}};
  if (!variant.workspace.empty()) {
    json ws = json::array();
    for (const auto& w : variant.workspace) ws.push_back({{"name", w.name}, {"bytes", w.bytes}});
    out["workspace"] = ws;
  }
  if (!variant.tensor_maps.empty()) {
    json maps = json::array();
    for (const auto& m : variant.tensor_maps) {
      json o = {{"name", m.name},
                {"tensor", m.tensor},
                {"box", m.box},
                {"swizzle", TmaSwizzleName(m.swizzle)},
                {"l2_promotion", TmaL2PromotionName(m.l2_promotion)},
                {"oob_fill", TmaOobFillName(m.oob_fill)}};
      if (m.dtype) o["dtype"] = DTypeName(*m.dtype);
      if (!m.shape.empty()) o["shape"] = m.shape;
      maps.push_back(o);
    }
    out["tensor_maps"] = maps;
  }
  return out;
}

}  // namespace

nlohmann::json LaunchBlockToJson(const LaunchBlock& block) {
  json out;
  if (block.has_variants) {
    json variants = json::array();
    for (const auto& v : block.variants) {
      json o = SequenceToJson(v);
      if (!v.when.empty()) o["when"] = v.when;
      variants.push_back(o);
    }
    out["variants"] = variants;
  } else if (!block.variants.empty()) {
    out = SequenceToJson(block.variants.front());
  }
  if (!block.tunables.empty()) {
    json t = json::object();
    for (const auto& [name, values] : block.tunables) t[name] = values;
    out["tunables"] = t;
  }
  return out;
}

}  // namespace kopt
