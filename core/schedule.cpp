// SPDX-License-Identifier: Apache-2.0
#include "core/schedule.h"

#include "core/json_fields.h"
#include "core/sha256.h"
#include "core/task.h"

namespace kopt {
namespace {

constexpr const char* kFormat = "kopt-schedule/1";

nlohmann::json Opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nullptr; }

std::optional<double> OptNumberAt(const nlohmann::json& j, const char* key,
                                  const JsonWhere& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return NumberAt(*it, where.Key(key));
}

std::vector<std::string> StringsAt(const nlohmann::json& j, const char* key,
                                   const JsonWhere& where) {
  const nlohmann::json& list = RequiredField(j, key, where);
  RequireArray(list, where.Key(key));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) where.Key(key).Index(i).Fail("expected a string");
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

std::map<std::string, std::int64_t, std::less<>> IntMapAt(const nlohmann::json& j, const char* key,
                                                          const JsonWhere& where) {
  const nlohmann::json& map = RequiredField(j, key, where);
  RequireObject(map, where.Key(key));
  std::map<std::string, std::int64_t, std::less<>> out;
  for (const auto& [name, value] : map.items()) {
    if (!value.is_number_integer()) where.Key(key).Key(name).Fail("expected an integer");
    out[name] = value.get<std::int64_t>();
  }
  return out;
}

nlohmann::json ProfileJson(const TaskProfile& t) {
  return {{"name", t.name},
          {"suite", t.suite},
          {"content_hash", t.content_hash},
          {"op_class", t.op_class},
          {"input_dtypes", t.input_dtypes},
          {"output_dtypes", t.output_dtypes},
          {"symbols", t.symbols},
          {"flops", t.flops},
          {"bytes", t.bytes}};
}

TaskProfile ProfileFromJson(const nlohmann::json& j, const JsonWhere& where) {
  RejectUnknownKeys(j, where,
                    {"name", "suite", "content_hash", "op_class", "input_dtypes", "output_dtypes",
                     "symbols", "flops", "bytes"});
  TaskProfile t;
  t.name = RequiredString(j, "name", where);
  t.suite = RequiredString(j, "suite", where);
  t.content_hash = RequiredString(j, "content_hash", where);
  t.op_class = RequiredString(j, "op_class", where);
  t.input_dtypes = StringsAt(j, "input_dtypes", where);
  t.output_dtypes = StringsAt(j, "output_dtypes", where);
  t.symbols = IntMapAt(j, "symbols", where);
  t.flops = NumberAt(RequiredField(j, "flops", where), where.Key("flops"));
  t.bytes = NumberAt(RequiredField(j, "bytes", where), where.Key("bytes"));
  return t;
}

nlohmann::json StepJson(const ScheduleStep& s) {
  nlohmann::json tried = nlohmann::json::array();
  for (const auto& a : s.tried) {
    tried.push_back({{"option", a.option},
                     {"plan", a.plan},
                     {"status", a.status},
                     {"speedup", Opt(a.speedup)}});
  }
  return {{"option", s.option},         {"plan", s.plan},         {"proposer", s.proposer},
          {"kernel_key", s.kernel_key}, {"tunables", s.tunables}, {"latency_ms", Opt(s.latency_ms)},
          {"speedup", Opt(s.speedup)},  {"gain", Opt(s.gain)},    {"tried", std::move(tried)}};
}

ScheduleStep StepFromJson(const nlohmann::json& j, const JsonWhere& where) {
  RejectUnknownKeys(j, where,
                    {"option", "plan", "proposer", "kernel_key", "tunables", "latency_ms",
                     "speedup", "gain", "tried"});
  ScheduleStep s;
  s.option = RequiredString(j, "option", where);
  if (s.option.empty()) where.Key("option").Fail("empty (a menu option id, tune or invented)");
  s.plan = RequiredString(j, "plan", where);
  s.proposer = RequiredString(j, "proposer", where);
  s.kernel_key = RequiredString(j, "kernel_key", where);
  s.tunables = IntMapAt(j, "tunables", where);
  s.latency_ms = OptNumberAt(j, "latency_ms", where);
  s.speedup = OptNumberAt(j, "speedup", where);
  s.gain = OptNumberAt(j, "gain", where);
  const nlohmann::json& tried = RequiredField(j, "tried", where);
  RequireArray(tried, where.Key("tried"));
  for (std::size_t i = 0; i < tried.size(); ++i) {
    JsonWhere at = where.Key("tried").Index(i);
    RejectUnknownKeys(tried[i], at, {"option", "plan", "status", "speedup"});
    s.tried.push_back({RequiredString(tried[i], "option", at), RequiredString(tried[i], "plan", at),
                       RequiredString(tried[i], "status", at),
                       OptNumberAt(tried[i], "speedup", at)});
  }
  return s;
}

// What a schedule says, without where it is stored.
nlohmann::json ContentJson(const Schedule& s) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : s.steps) steps.push_back(StepJson(step));
  return {
      {"format", kFormat},        {"task", ProfileJson(s.task)},     {"gpu", s.gpu},
      {"arch", s.arch},           {"latency_ms", Opt(s.latency_ms)}, {"speedup", Opt(s.speedup)},
      {"steps", std::move(steps)}};
}

}  // namespace

TaskProfile ProfileOf(const Task& task, const std::string& suite) {
  TaskProfile p;
  p.name = task.name;
  p.suite = suite;
  p.content_hash = task.content_hash;
  p.op_class = task.op_class;
  for (const auto& t : task.tensors) {
    auto& list = t.role == TensorRole::kInput ? p.input_dtypes : p.output_dtypes;
    list.emplace_back(DTypeName(t.dtype));
  }
  p.symbols = task.symbols;
  p.flops = static_cast<double>(EvalExpr(task.flops, task.symbols));
  p.bytes = static_cast<double>(EvalExpr(task.bytes, task.symbols));
  return p;
}

nlohmann::json ToJson(const Schedule& s) {
  nlohmann::json j = ContentJson(s);
  if (s.id) j["id"] = s.id;
  j["origin"] = s.origin;
  if (s.source_candidate_id) j["source_candidate_id"] = *s.source_candidate_id;
  if (!s.kernel_source.empty()) j["kernel_source"] = s.kernel_source;
  if (!s.created_at.empty()) j["created_at"] = s.created_at;
  return j;
}

Schedule ScheduleFromJson(const nlohmann::json& j, const std::string& file) {
  JsonWhere where(file);
  RejectUnknownKeys(j, where,
                    {"format", "task", "gpu", "arch", "latency_ms", "speedup", "steps", "id",
                     "origin", "source_candidate_id", "kernel_source", "created_at"});
  std::string format = RequiredString(j, "format", where);
  if (format != kFormat) {
    where.Key("format").Fail("\"" + format + "\" is not a format this kopt reads (" + kFormat +
                             ")");
  }
  Schedule s;
  s.task = ProfileFromJson(RequiredField(j, "task", where), where.Key("task"));
  s.gpu = RequiredString(j, "gpu", where);
  s.arch = RequiredString(j, "arch", where);
  s.latency_ms = OptNumberAt(j, "latency_ms", where);
  s.speedup = OptNumberAt(j, "speedup", where);
  const nlohmann::json& steps = RequiredField(j, "steps", where);
  RequireArray(steps, where.Key("steps"));
  if (steps.empty()) where.Key("steps").Fail("a schedule needs at least one step");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    s.steps.push_back(StepFromJson(steps[i], where.Key("steps").Index(i)));
  }
  if (j.contains("kernel_source")) s.kernel_source = RequiredString(j, "kernel_source", where);
  s.origin = "imported";
  return s;
}

std::string ScheduleFingerprint(const Schedule& schedule) {
  return Sha256Hex(ContentJson(schedule).dump());
}

}  // namespace kopt
