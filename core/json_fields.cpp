// SPDX-License-Identifier: Apache-2.0
#include "core/json_fields.h"

#include "core/expr.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace kopt {

JsonWhere JsonWhere::Key(const std::string& key) const {
  return JsonWhere(file_, path_.empty() ? key : path_ + "." + key);
}

JsonWhere JsonWhere::Index(std::size_t i) const {
  return JsonWhere(file_, path_ + "[" + std::to_string(i) + "]");
}

std::string JsonWhere::ToString() const { return path_.empty() ? file_ : file_ + ": " + path_; }

void JsonWhere::Fail(const std::string& what) const { throw ConfigError(ToString() + ": " + what); }

void RequireObject(const nlohmann::json& j, const JsonWhere& where) {
  if (!j.is_object()) where.Fail("expected an object, got " + std::string(j.type_name()));
}

void RequireArray(const nlohmann::json& j, const JsonWhere& where) {
  if (!j.is_array()) where.Fail("expected an array, got " + std::string(j.type_name()));
}

void RejectUnknownKeys(const nlohmann::json& j, const JsonWhere& where,
                       std::initializer_list<const char*> allowed) {
  RequireObject(j, where);
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    if (known) continue;
    std::string list;
    for (const char* name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
    where.Key(key).Fail("unknown key (allowed: " + list + ")");
  }
}

const nlohmann::json& RequiredField(const nlohmann::json& j, const char* key,
                                    const JsonWhere& where) {
  RequireObject(j, where);
  auto it = j.find(key);
  if (it == j.end()) where.Key(key).Fail("missing required field");
  return *it;
}

std::string RequiredString(const nlohmann::json& j, const char* key, const JsonWhere& where) {
  const auto& v = RequiredField(j, key, where);
  if (!v.is_string()) where.Key(key).Fail("expected a string");
  return v.get<std::string>();
}

std::optional<std::string> OptionalString(const nlohmann::json& j, const char* key,
                                          const JsonWhere& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) where.Key(key).Fail("expected a string");
  return it->get<std::string>();
}

std::int64_t RequiredInt(const nlohmann::json& j, const char* key, const JsonWhere& where) {
  const auto& v = RequiredField(j, key, where);
  if (!v.is_number_integer()) where.Key(key).Fail("expected an integer");
  return v.get<std::int64_t>();
}

double NumberAt(const nlohmann::json& j, const JsonWhere& where) {
  if (!j.is_number()) where.Fail("expected a number");
  return j.get<double>();
}

std::string ExprTextAt(const nlohmann::json& j, const JsonWhere& where) {
  if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
  if (!j.is_string()) where.Fail("expected an integer or an expression string");
  try {
    Expr::Parse(j.get<std::string>());
  } catch (const ExprError& e) {
    where.Fail(e.what());
  }
  return j.get<std::string>();
}

nlohmann::json ParseJsonAt(const std::string& text, const JsonWhere& where) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> keys;  // of each object still open
  std::string duplicate;
  auto check = [&](int /*depth*/, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start) {
      keys.emplace_back();
    } else if (event == Event::object_end) {
      keys.pop_back();
    } else if (event == Event::key && duplicate.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second) duplicate = key;
    }
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, check);
  } catch (const nlohmann::json::parse_error& e) {
    where.Fail(std::string("invalid JSON: ") + e.what());
  }
  if (!duplicate.empty()) {
    where.Fail("the key \"" + duplicate +
               "\" appears twice in one object; JSON would keep one of them silently, so remove "
               "the other");
  }
  return j;
}

nlohmann::json ParseJsonText(const std::string& text, const std::string& file) {
  return ParseJsonAt(text, JsonWhere(file));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace kopt
