// SPDX-License-Identifier: Apache-2.0
#include "core/launch_block.h"

#include "core/json_fields.h"

#include <algorithm>
#include <cctype>
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
    for (const auto& ws : block.workspace) workspace_.insert(ws.name);
  }

  LaunchPlan Resolve() {
    LaunchPlan plan;
    for (std::size_t w = 0; w < block_.workspace.size(); ++w) {
      JsonWhere where = root_.Key("workspace").Index(w).Key("bytes");
      std::int64_t bytes = Eval(block_.workspace[w].bytes, where);
      if (bytes <= 0) where.Fail("evaluates to " + std::to_string(bytes) + ", must be positive");
      plan.workspace_bytes.emplace_back(block_.workspace[w].name, bytes);
    }
    for (std::size_t i = 0; i < block_.launches.size(); ++i) {
      plan.launches.push_back(ResolveOne(block_.launches[i], root_.Key("launch").Index(i)));
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

  std::string KnownNames() const {
    std::string out = "tensors:";
    for (const auto& t : task_.tensors) out += " " + t.name;
    out += "; symbols:";
    for (const auto& [name, v] : env_) out += " " + name;
    if (!task_.scalars.empty()) {
      out += "; scalars:";
      for (const auto& s : task_.scalars) out += " " + s.name;
    }
    if (!workspace_.empty()) {
      out += "; workspace:";
      for (const auto& w : workspace_) out += " " + w;
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
      if (workspace_.count(text)) {
        arg.kind = LaunchArg::Kind::kWorkspace;
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
  std::set<std::string> workspace_;
};

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
  RejectUnknownKeys(j, root, {"launch", "workspace", "tunables"});
  LaunchBlock block;
  const json& launches = RequiredField(j, "launch", root);
  RequireArray(launches, root.Key("launch"));
  if (launches.empty()) root.Key("launch").Fail("needs at least one kernel launch");
  for (std::size_t i = 0; i < launches.size(); ++i) {
    JsonWhere where = root.Key("launch").Index(i);
    const json& l = launches[i];
    RejectUnknownKeys(l, where, {"kernel", "grid", "block", "cluster", "smem", "args"});
    LaunchSpec spec;
    spec.kernel = RequiredString(l, "kernel", where);
    if (!IsName(spec.kernel))
      where.Key("kernel").Fail("'" + spec.kernel + "' is not a C identifier");
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
    block.launches.push_back(std::move(spec));
  }
  if (auto it = j.find("workspace"); it != j.end()) {
    RequireArray(*it, root.Key("workspace"));
    for (std::size_t w = 0; w < it->size(); ++w) {
      JsonWhere where = root.Key("workspace").Index(w);
      RejectUnknownKeys((*it)[w], where, {"name", "bytes"});
      WorkspaceSpec ws;
      ws.name = RequiredString((*it)[w], "name", where);
      if (!IsName(ws.name)) where.Key("name").Fail("'" + ws.name + "' is not a C identifier");
      ws.bytes = ExprTextAt(RequiredField((*it)[w], "bytes", where), where.Key("bytes"));
      block.workspace.push_back(std::move(ws));
    }
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
  std::set<std::string> names;
  for (const auto& t : task.tensors) names.insert(t.name);
  for (const auto& s : task.scalars) names.insert(s.name);
  for (const auto& [name, v] : task.symbols) names.insert(name);
  JsonWhere root(file, "launch block");
  for (std::size_t w = 0; w < block.workspace.size(); ++w) {
    if (!names.insert(block.workspace[w].name).second) {
      root.Key("workspace")
          .Index(w)
          .Key("name")
          .Fail("'" + block.workspace[w].name + "' is already a name of the task or block");
    }
  }
  for (const auto& [name, values] : block.tunables) {
    if (!names.insert(name).second) {
      root.Key("tunables").Key(name).Fail("clashes with a name of the task or block");
    }
  }
  for (const auto& size : task.AllSizes()) {
    Resolver(block, task, size, choice, limits, file).Resolve();
  }
}

LaunchPlan ResolveLaunchBlock(const LaunchBlock& block, const Task& task,
                              const SymbolTable& symbols, const TunableChoice& choice,
                              const DeviceLimits& limits) {
  return Resolver(block, task, symbols, choice, limits, "candidate").Resolve();
}

nlohmann::json LaunchBlockToJson(const LaunchBlock& block) {
  json launches = json::array();
  for (const auto& l : block.launches) {
    json o = {{"kernel", l.kernel},
              {"grid", l.grid},
              {"block", l.block},
              {"smem", l.smem},
              {"args", l.args}};
    if (!l.cluster.empty()) o["cluster"] = l.cluster;
    launches.push_back(o);
  }
  json out = {{"launch", launches}};
  if (!block.workspace.empty()) {
    json ws = json::array();
    for (const auto& w : block.workspace) ws.push_back({{"name", w.name}, {"bytes", w.bytes}});
    out["workspace"] = ws;
  }
  if (!block.tunables.empty()) {
    json t = json::object();
    for (const auto& [name, values] : block.tunables) t[name] = values;
    out["tunables"] = t;
  }
  return out;
}

}  // namespace kopt
