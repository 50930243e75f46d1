// SPDX-License-Identifier: Apache-2.0
#include "core/task.h"

#include "core/json_fields.h"
#include "core/launch_block.h"
#include "core/sha256.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

namespace kopt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string RequiredIdentifier(const json& j, const char* key, const JsonWhere& where) {
  std::string name = RequiredString(j, key, where);
  if (!IsIdentifier(name)) where.Key(key).Fail("'" + name + "' is not a C identifier");
  return name;
}

DType DTypeAt(const json& j, const char* key, const JsonWhere& where) {
  std::string name = RequiredString(j, key, where);
  auto dtype = ParseDType(name);
  if (!dtype)
    where.Key(key).Fail("unknown dtype '" + name +
                        "' (known: f32, f16, bf16, f64, i32, i64, i8, u8)");
  return *dtype;
}

InitSpec ParseInit(const json& j, DType dtype, const JsonWhere& where) {
  RejectUnknownKeys(j, where, {"dist", "mean", "std", "low", "high", "value", "peak", "every"});
  InitSpec init;
  std::string dist = RequiredString(j, "dist", where);
  auto number = [&](const char* key, double fallback) {
    auto it = j.find(key);
    return it == j.end() ? fallback : NumberAt(*it, where.Key(key));
  };
  if (dist == "normal") {
    init = {InitDist::kNormal, number("mean", 0), number("std", 1)};
    if (j.contains("low") || j.contains("high"))
      where.Fail("normal takes mean and std, not low/high");
    if (init.b <= 0) where.Key("std").Fail("must be positive");
  } else if (dist == "uniform" || dist == "randint") {
    init = {dist == "uniform" ? InitDist::kUniform : InitDist::kRandint, number("low", 0),
            number("high", 1)};
    if (j.contains("mean") || j.contains("std"))
      where.Fail(dist + " takes low and high, not mean/std");
    if (init.b <= init.a) where.Key("high").Fail("must be greater than low");
  } else if (dist == "constant") {
    init = {InitDist::kConstant, number("value", 0), 0};
  } else if (dist == "spike") {
    init = {InitDist::kSpike, number("peak", 0), number("std", 1)};
    init.every = static_cast<std::int64_t>(number("every", 0));
    if (init.every < 1) where.Key("every").Fail("must be a positive number of elements");
    if (init.b <= 0) where.Key("std").Fail("must be positive");
  } else {
    where.Key("dist").Fail("unknown distribution '" + dist +
                           "' (known: normal, uniform, randint, constant, spike)");
  }
  if (!IsFloat(dtype) && init.dist != InitDist::kRandint && init.dist != InitDist::kConstant) {
    where.Key("dist").Fail("integer tensors take randint or constant");
  }
  if (init.dist == InitDist::kRandint &&
      (init.a != std::floor(init.a) || init.b != std::floor(init.b))) {
    where.Fail("randint bounds must be integers");
  }
  return init;
}

SymbolTable ParseSymbols(const json& j, const JsonWhere& where, const SymbolTable* defaults) {
  RequireObject(j, where);
  SymbolTable out = defaults ? *defaults : SymbolTable{};
  for (const auto& [name, value] : j.items()) {
    if (defaults && !defaults->count(name)) where.Key(name).Fail("not a symbol of this task");
    if (!IsIdentifier(name)) where.Key(name).Fail("'" + name + "' is not a C identifier");
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
      where.Key(name).Fail("expected a positive integer");
    }
    out[name] = value.get<std::int64_t>();
  }
  return out;
}

void CheckEvaluates(const std::string& text, const SymbolTable& symbols, const JsonWhere& where,
                    bool positive) {
  try {
    std::int64_t v = EvalExpr(text, symbols);
    if (positive && v <= 0) where.Fail("evaluates to " + std::to_string(v) + ", must be positive");
    if (!positive && v < 0)
      where.Fail("evaluates to " + std::to_string(v) + ", must not be negative");
  } catch (const ExprError& e) {
    where.Fail(e.what());
  }
}

BaselineSpec ParseBaseline(const json& j, const JsonWhere& where) {
  BaselineSpec spec;
  if (j.is_string()) {
    if (j.get<std::string>() != "cublas") {
      where.Fail("unknown baseline '" + j.get<std::string>() + "' (known: cublas)");
    }
    return spec;
  }
  RejectUnknownKeys(
      j, where,
      {"library", "op", "a", "b", "c", "m", "n", "k", "batch", "b_transposed", "bias", "epilogue"});
  spec.library = RequiredString(j, "library", where);
  if (spec.library != "cublas")
    where.Key("library").Fail("unknown library '" + spec.library + "' (known: cublas)");
  spec.op = OptionalString(j, "op", where).value_or("gemm");
  if (spec.op != "gemm") where.Key("op").Fail("unknown op '" + spec.op + "' (known: gemm)");
  for (auto [key, field] : {std::pair{"a", &spec.a},
                            {"b", &spec.b},
                            {"c", &spec.c},
                            {"bias", &spec.bias},
                            {"epilogue", &spec.epilogue}}) {
    if (auto v = OptionalString(j, key, where)) *field = *v;
  }
  for (auto [key, field] :
       {std::pair{"m", &spec.m}, {"n", &spec.n}, {"k", &spec.k}, {"batch", &spec.batch}}) {
    if (auto it = j.find(key); it != j.end()) *field = ExprTextAt(*it, where.Key(key));
  }
  if (auto it = j.find("b_transposed"); it != j.end()) {
    if (!it->is_boolean()) where.Key("b_transposed").Fail("expected true or false");
    spec.b_transposed = it->get<bool>();
  }
  if (spec.epilogue != "none" && spec.epilogue != "relu" && spec.epilogue != "gelu") {
    where.Key("epilogue")
        .Fail("unknown epilogue '" + spec.epilogue + "' (known: none, relu, gelu)");
  }
  return spec;
}

// The baseline's tensors must exist with the roles and sizes its GEMM implies, on every size.
void CheckBaseline(const Task& task, const JsonWhere& where) {
  const BaselineSpec& b = *task.baseline;
  auto tensor = [&](const std::string& name, const char* key, TensorRole role) {
    const TensorSpec* t = task.FindTensor(name);
    if (!t) where.Key(key).Fail("no tensor named '" + name + "'");
    if (t->role != role) where.Key(key).Fail("'" + name + "' has the wrong role");
    if (t->dtype != DType::kF32 && t->dtype != DType::kF16 && t->dtype != DType::kBF16) {
      where.Key(key).Fail("cuBLAS GEMM takes f32, f16 or bf16 tensors");
    }
    return t;
  };
  const TensorSpec* a = tensor(b.a, "a", TensorRole::kInput);
  const TensorSpec* bt = tensor(b.b, "b", TensorRole::kInput);
  const TensorSpec* c = tensor(b.c, "c", TensorRole::kOutput);
  for (const auto& t : task.tensors) {
    if (t.role == TensorRole::kOutput && t.name != b.c) {
      where.Key("c").Fail("the GEMM writes only '" + b.c + "', but the task has another output, '" +
                          t.name + "'; a baseline must compute everything the task does");
    }
  }
  if (a->dtype != bt->dtype) where.Key("b").Fail("A and B must have the same dtype");
  const TensorSpec* bias = b.bias.empty() ? nullptr : tensor(b.bias, "bias", TensorRole::kInput);
  for (const auto& size : task.AllSizes()) {
    std::int64_t m = 0, n = 0, k = 0, batch = 0;
    try {
      m = EvalExpr(b.m, size);
      n = EvalExpr(b.n, size);
      k = EvalExpr(b.k, size);
      batch = EvalExpr(b.batch, size);
    } catch (const ExprError& e) {
      where.Fail(e.what());
    }
    auto expect = [&](const TensorSpec* t, std::int64_t elements, const char* key) {
      if (ElementCount(TensorShape(*t, size)) != elements) {
        where.Key(key).Fail("'" + t->name + "' has " +
                            std::to_string(ElementCount(TensorShape(*t, size))) +
                            " elements, the GEMM needs " + std::to_string(elements));
      }
    };
    expect(a, batch * m * k, "a");
    expect(bt, batch * k * n, "b");
    expect(c, batch * m * n, "c");
    if (bias) expect(bias, n, "bias");
  }
}

// Every identifier-like word of Python source, those in comments and strings included: enough to
// tell whether a name is mentioned, without parsing Python.
std::set<std::string> PythonIdentifiers(const std::string& source) {
  std::set<std::string> names;
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < source.size();) {
    if (!word_char(source[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < source.size() && word_char(source[end])) ++end;
    // A run that starts with a digit is a number (1e5, 0x7F), not a name.
    if (!std::isdigit(static_cast<unsigned char>(source[i])))
      names.insert(source.substr(i, end - i));
    i = end;
  }
  return names;
}

// The PyTorch equivalent is run by Python elsewhere; here it only has to be non-blank source that
// reads at least one input tensor, which catches an empty field or one pasted from another task.
std::string ParseTorch(const json& j, const Task& task, const JsonWhere& where) {
  if (!j.is_string()) where.Fail("expected a string of Python source");
  std::string source = j.get<std::string>();
  bool blank = std::all_of(source.begin(), source.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (blank) where.Fail("is empty");
  std::set<std::string> names = PythonIdentifiers(source);
  std::string inputs;
  for (const auto& t : task.tensors) {
    if (t.role != TensorRole::kInput) continue;
    if (names.count(t.name)) return source;
    inputs += (inputs.empty() ? "" : ", ") + t.name;
  }
  where.Fail("names none of the task's input tensors (" + inputs + ")");
}

// More than any GPU holds: a size this large is a typing error, found before any GPU work.
constexpr std::int64_t kMaxTaskBytes = std::int64_t{256} << 30;

// The task's tensors at `size` fit kMaxTaskBytes, counted without overflow.
void CheckFitsAGpu(const Task& task, const SymbolTable& size, const JsonWhere& where) {
  std::int64_t total = 0;
  std::string largest;
  std::int64_t largest_bytes = 0;
  for (const TensorSpec& t : task.tensors) {
    std::int64_t bytes = static_cast<std::int64_t>(DTypeSize(t.dtype));
    bool overflow = false;
    for (std::int64_t extent : TensorShape(t, size)) {
      overflow |= __builtin_mul_overflow(bytes, extent, &bytes);
    }
    overflow |= __builtin_add_overflow(total, bytes, &total);
    if (overflow) where.Fail("tensor " + t.name + " has more bytes than a 64-bit count holds");
    if (bytes > largest_bytes) {
      largest_bytes = bytes;
      largest = t.name;
    }
  }
  if (total > kMaxTaskBytes) {
    where.Fail("the tensors need " + std::to_string(total >> 30) + " GiB (" + largest + " alone " +
               std::to_string(largest_bytes >> 30) + " GiB), more than any GPU holds (the limit " +
               "is " + std::to_string(kMaxTaskBytes >> 30) + " GiB): is a size mistyped?");
  }
}

}  // namespace

const TensorSpec* Task::FindTensor(const std::string& tensor_name) const {
  for (const auto& t : tensors) {
    if (t.name == tensor_name) return &t;
  }
  return nullptr;
}

const ScalarSpec* Task::FindScalar(const std::string& scalar_name) const {
  for (const auto& s : scalars) {
    if (s.name == scalar_name) return &s;
  }
  return nullptr;
}

std::vector<SymbolTable> Task::AllSizes() const {
  std::vector<SymbolTable> sizes{symbols};
  sizes.insert(sizes.end(), check_symbols.begin(), check_symbols.end());
  return sizes;
}

std::vector<std::int64_t> TensorShape(const TensorSpec& tensor, const SymbolTable& symbols) {
  std::vector<std::int64_t> shape;
  for (const auto& dim : tensor.shape) shape.push_back(EvalExpr(dim, symbols));
  return shape;
}

std::int64_t ElementCount(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Task ParseTask(const std::string& task_json, const std::string& file) {
  JsonWhere root(file);
  json j = ParseJsonText(task_json, file);
  RejectUnknownKeys(j, root,
                    {"schema_version", "name", "description", "op_class", "symbols",
                     "check_symbols", "tensors", "scalars", "tolerance", "flops", "bytes",
                     "baseline", "fast_math", "input_cases", "contract", "torch"});
  Task task;
  task.task_json = task_json;
  std::int64_t version = RequiredInt(j, "schema_version", root);
  if (version != kTaskSchemaVersion) {
    root.Key("schema_version")
        .Fail("version " + std::to_string(version) + " is not supported (this kopt reads " +
              std::to_string(kTaskSchemaVersion) + ")");
  }
  task.name = RequiredString(j, "name", root);
  task.description = RequiredString(j, "description", root);
  task.op_class = RequiredString(j, "op_class", root);
  task.symbols = ParseSymbols(RequiredField(j, "symbols", root), root.Key("symbols"), nullptr);

  std::set<std::string> names;
  for (const auto& [name, value] : task.symbols) names.insert(name);
  auto claim = [&](const std::string& name, const JsonWhere& where) {
    if (!names.insert(name).second) where.Fail("name '" + name + "' is already used");
  };

  const auto& tensors = RequiredField(j, "tensors", root);
  RequireArray(tensors, root.Key("tensors"));
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    JsonWhere where = root.Key("tensors").Index(i);
    const json& t = tensors[i];
    RejectUnknownKeys(t, where, {"name", "dtype", "shape", "role", "init"});
    TensorSpec spec;
    spec.name = RequiredIdentifier(t, "name", where);
    claim(spec.name, where.Key("name"));
    spec.dtype = DTypeAt(t, "dtype", where);
    const auto& shape = RequiredField(t, "shape", where);
    RequireArray(shape, where.Key("shape"));
    if (shape.empty()) where.Key("shape").Fail("must have at least one dimension");
    for (std::size_t d = 0; d < shape.size(); ++d) {
      spec.shape.push_back(ExprTextAt(shape[d], where.Key("shape").Index(d)));
    }
    std::string role = RequiredString(t, "role", where);
    if (role == "input") {
      spec.role = TensorRole::kInput;
    } else if (role == "output") {
      spec.role = TensorRole::kOutput;
    } else {
      where.Key("role").Fail("unknown role '" + role + "' (known: input, output)");
    }
    if (auto it = t.find("init"); it != t.end()) {
      if (spec.role == TensorRole::kOutput) where.Key("init").Fail("outputs are not initialised");
      spec.init = ParseInit(*it, spec.dtype, where.Key("init"));
    } else if (!IsFloat(spec.dtype) && spec.role == TensorRole::kInput) {
      where.Fail("integer inputs need an explicit init (randint with low and high)");
    }
    task.tensors.push_back(std::move(spec));
  }
  auto has_role = [&](TensorRole role) {
    return std::any_of(task.tensors.begin(), task.tensors.end(),
                       [&](const TensorSpec& t) { return t.role == role; });
  };
  if (!has_role(TensorRole::kOutput)) root.Key("tensors").Fail("no tensor has role \"output\"");

  if (auto it = j.find("scalars"); it != j.end()) {
    RequireArray(*it, root.Key("scalars"));
    for (std::size_t i = 0; i < it->size(); ++i) {
      JsonWhere where = root.Key("scalars").Index(i);
      const json& s = (*it)[i];
      RejectUnknownKeys(s, where, {"name", "dtype", "value"});
      ScalarSpec spec;
      spec.name = RequiredIdentifier(s, "name", where);
      claim(spec.name, where.Key("name"));
      spec.dtype = DTypeAt(s, "dtype", where);
      spec.value = NumberAt(RequiredField(s, "value", where), where.Key("value"));
      task.scalars.push_back(std::move(spec));
    }
  }

  const auto& tol = RequiredField(j, "tolerance", root);
  RejectUnknownKeys(tol, root.Key("tolerance"), {"rtol", "atol"});
  task.tolerance.rtol =
      NumberAt(RequiredField(tol, "rtol", root.Key("tolerance")), root.Key("tolerance.rtol"));
  task.tolerance.atol =
      NumberAt(RequiredField(tol, "atol", root.Key("tolerance")), root.Key("tolerance.atol"));
  if (task.tolerance.rtol < 0) root.Key("tolerance.rtol").Fail("must not be negative");
  if (task.tolerance.atol < 0) root.Key("tolerance.atol").Fail("must not be negative");

  task.flops = ExprTextAt(RequiredField(j, "flops", root), root.Key("flops"));
  task.bytes = ExprTextAt(RequiredField(j, "bytes", root), root.Key("bytes"));
  if (auto it = j.find("baseline"); it != j.end() && !it->is_null()) {
    task.baseline = ParseBaseline(*it, root.Key("baseline"));
  }
  if (auto it = j.find("fast_math"); it != j.end()) {
    if (!it->is_boolean()) root.Key("fast_math").Fail("expected true or false");
    task.fast_math = it->get<bool>();
  }

  if (auto it = j.find("check_symbols"); it != j.end()) {
    RequireArray(*it, root.Key("check_symbols"));
    for (std::size_t i = 0; i < it->size(); ++i) {
      task.check_symbols.push_back(
          ParseSymbols((*it)[i], root.Key("check_symbols").Index(i), &task.symbols));
    }
  }

  if (auto it = j.find("input_cases"); it != j.end()) {
    RequireArray(*it, root.Key("input_cases"));
    for (std::size_t i = 0; i < it->size(); ++i) {
      JsonWhere where = root.Key("input_cases").Index(i);
      const json& c = (*it)[i];
      RequireObject(c, where);
      RejectUnknownKeys(c, where, {"name", "why", "inputs"});
      InputCase input_case;
      input_case.name = RequiredString(c, "name", where);
      input_case.why = RequiredString(c, "why", where);
      const json& inputs = RequiredField(c, "inputs", where);
      RequireObject(inputs, where.Key("inputs"));
      for (const auto& [name, init] : inputs.items()) {
        const TensorSpec* t = task.FindTensor(name);
        if (!t || t->role != TensorRole::kInput) {
          where.Key("inputs").Key(name).Fail("not an input tensor of the task");
        }
        input_case.inputs.emplace_back(name,
                                       ParseInit(init, t->dtype, where.Key("inputs").Key(name)));
      }
      task.input_cases.push_back(std::move(input_case));
    }
  }
  if (auto it = j.find("contract"); it != j.end()) {
    JsonWhere where = root.Key("contract");
    RequireObject(*it, where);
    RejectUnknownKeys(*it, where, {"ragged", "precision", "ties"});
    if (auto r = it->find("ragged"); r != it->end()) {
      RequireObject(*r, where.Key("ragged"));
      for (const auto& [name, alignment] : r->items()) {
        if (!task.symbols.count(name))
          where.Key("ragged").Key(name).Fail("not a symbol of the task");
        auto a = static_cast<std::int64_t>(NumberAt(alignment, where.Key("ragged").Key(name)));
        if (a < 1) where.Key("ragged").Key(name).Fail("the alignment must be at least 1");
        task.contract.ragged.emplace_back(name, a);
      }
    }
    if (it->contains("precision"))
      task.contract.precision = RequiredString(*it, "precision", where);
    if (it->contains("ties")) task.contract.ties = RequiredString(*it, "ties", where);
  }
  if (auto it = j.find("torch"); it != j.end())
    task.torch = ParseTorch(*it, task, root.Key("torch"));

  // Every shape and cost expression must evaluate on every size (the baseline check needs them).
  std::vector<SymbolTable> sizes = task.AllSizes();
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    std::string size_note = s == 0 ? "" : " (check_symbols[" + std::to_string(s - 1) + "])";
    for (std::size_t i = 0; i < task.tensors.size(); ++i) {
      for (std::size_t d = 0; d < task.tensors[i].shape.size(); ++d) {
        JsonWhere where = root.Key("tensors").Index(i).Key("shape").Index(d);
        try {
          CheckEvaluates(task.tensors[i].shape[d], sizes[s], where, true);
        } catch (const ConfigError& e) {
          throw ConfigError(e.what() + size_note);
        }
      }
    }
    CheckEvaluates(task.flops, sizes[s], root.Key("flops"), false);
    CheckEvaluates(task.bytes, sizes[s], root.Key("bytes"), false);
    CheckFitsAGpu(task, sizes[s],
                  s == 0 ? root.Key("symbols") : root.Key("check_symbols").Index(s - 1));
  }
  if (task.baseline) CheckBaseline(task, root.Key("baseline"));
  return task;
}

Task LoadTask(const std::string& dir) {
  fs::path folder(dir);
  fs::path json_path = folder / "task.json";
  fs::path ref_path = folder / "reference.cu";
  if (!fs::is_directory(folder)) throw ConfigError(dir + ": not a task folder");
  if (!fs::exists(json_path)) throw ConfigError(json_path.string() + ": missing task file");
  if (!fs::exists(ref_path)) throw ConfigError(ref_path.string() + ": missing reference kernel");
  Task task = ParseTask(ReadFile(json_path.string()), json_path.string());
  std::string folder_name = folder.filename().empty() ? folder.parent_path().filename().string()
                                                      : folder.filename().string();
  if (task.name != folder_name) {
    throw ConfigError(json_path.string() + ": name: '" + task.name +
                      "' must match the folder name '" + folder_name + "'");
  }
  task.dir = folder.string();
  task.reference_source = ReadFile(ref_path.string());
  // A launch block that cannot run on every size is a broken task, found at load time.
  auto validate = [&](const std::string& source, const fs::path& path) {
    LaunchBlock block = ParseLaunchBlock(source, path.string());
    ValidateLaunchBlock(block, task, ChooseTunables(block, {}), path.string());
  };
  validate(task.reference_source, ref_path);
  if (fs::path starter = folder / "starter.cu"; fs::exists(starter)) {
    task.starter_source = ReadFile(starter.string());
    validate(task.starter_source, starter);
  }
  task.content_hash = Sha256()
                          .Update(task.task_json)
                          .Update(std::string(1, '\0'))
                          .Update(task.reference_source)
                          .HexDigest();
  return task;
}

std::vector<std::string> ListSuites(const std::string& tasks_root) {
  std::vector<std::string> suites;
  if (!fs::is_directory(tasks_root)) return suites;
  for (const auto& suite : fs::directory_iterator(tasks_root)) {
    if (!suite.is_directory()) continue;
    for (const auto& task : fs::directory_iterator(suite.path())) {
      if (fs::exists(task.path() / "task.json")) {
        suites.push_back(suite.path().filename().string());
        break;
      }
    }
  }
  std::sort(suites.begin(), suites.end());
  return suites;
}

std::vector<Task> LoadSuite(const std::string& suite_dir) {
  if (!fs::is_directory(suite_dir)) throw ConfigError(suite_dir + ": no such suite folder");
  std::vector<std::string> dirs;
  for (const auto& entry : fs::directory_iterator(suite_dir)) {
    // An empty folder is a leftover (a renamed task), not a broken task.
    if (entry.is_directory() && !fs::is_empty(entry.path())) dirs.push_back(entry.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  // Every task is read, so one run of the command shows every broken one.
  std::vector<Task> tasks;
  std::vector<std::string> errors;
  for (const auto& d : dirs) {
    try {
      tasks.push_back(LoadTask(d));
    } catch (const ConfigError& e) {
      errors.push_back(e.what());
    }
  }
  if (errors.size() == 1) throw ConfigError(errors.front());
  if (!errors.empty()) {
    std::string message = suite_dir + ": " + std::to_string(errors.size()) + " of " +
                          std::to_string(dirs.size()) + " tasks are invalid:";
    for (const auto& e : errors) message += "\n  " + e;
    throw ConfigError(message);
  }
  if (tasks.empty()) throw ConfigError(suite_dir + ": suite has no tasks");
  return tasks;
}

}  // namespace kopt
