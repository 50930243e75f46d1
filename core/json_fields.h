// SPDX-License-Identifier: Apache-2.0
// Strict reading of JSON objects for data files: every error names the file and the field path
// ("tasks/quick/gemm/task.json: tensors[1].dtype: ..."), and unknown keys are rejected.
#pragma once

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace kopt {

/// A position in a JSON document: file plus dotted path.
class JsonWhere {
 public:
  JsonWhere(std::string file, std::string path = "")
      : file_(std::move(file)), path_(std::move(path)) {}
  JsonWhere Key(const std::string& key) const;
  JsonWhere Index(std::size_t i) const;
  [[noreturn]] void Fail(const std::string& what) const;
  std::string ToString() const;

 private:
  std::string file_;
  std::string path_;
};

void RequireObject(const nlohmann::json& j, const JsonWhere& where);
void RequireArray(const nlohmann::json& j, const JsonWhere& where);
void RejectUnknownKeys(const nlohmann::json& j, const JsonWhere& where,
                       std::initializer_list<const char*> allowed);

const nlohmann::json& RequiredField(const nlohmann::json& j, const char* key,
                                    const JsonWhere& where);
std::string RequiredString(const nlohmann::json& j, const char* key, const JsonWhere& where);
std::optional<std::string> OptionalString(const nlohmann::json& j, const char* key,
                                          const JsonWhere& where);
std::int64_t RequiredInt(const nlohmann::json& j, const char* key, const JsonWhere& where);
double NumberAt(const nlohmann::json& j, const JsonWhere& where);
/// A number or an integer expression string, returned as expression text.
std::string ExprTextAt(const nlohmann::json& j, const JsonWhere& where);

/// Parses `text` as JSON; a syntax error names `where` and the byte offset, and a key repeated
/// within one object is an error too (nlohmann keeps the last silently: a task or launch block
/// would run with a value its author did not mean).
nlohmann::json ParseJsonAt(const std::string& text, const JsonWhere& where);
nlohmann::json ParseJsonText(const std::string& text, const std::string& file);
std::string ReadFile(const std::string& path);

}  // namespace kopt
