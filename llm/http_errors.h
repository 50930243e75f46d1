// SPDX-License-Identifier: Apache-2.0
// From an HTTP answer to a typed LLM error: which statuses can succeed on retry, the API's own
// message, content-type and JSON checks.
#pragma once

#include "llm/http_client.h"
#include "llm/provider.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace kopt {

/// The error for a transport failure or a non-2xx status (429 rate_limited, 401/403 auth,
/// 408 timeout, 5xx server, other 4xx bad_request), with the API's message; nullopt for a 2xx.
std::optional<LlmError> HttpFailureToError(const HttpResponse& response, const std::string& url);

/// The JSON of a 2xx answer, or a bad_response error naming what was wrong (not JSON, wrong
/// content type, truncated) with the start of the body.
std::variant<nlohmann::json, LlmError> ParseJsonAnswer(const HttpResponse& response);

/// The "error.message" of an OpenAI- or Anthropic-style error body, else the body's start.
std::string ApiErrorMessage(const std::string& body);

/// `j[key]` when it is a string (else ""), and when it is an integer (else 0): lenient reads
/// of an API's answer, where a missing field is not an error.
std::string StringField(const nlohmann::json& j, const char* key);
std::int64_t IntField(const nlohmann::json& j, const char* key);

/// JSON text of `j`, replacing invalid UTF-8 (compile logs can hold any bytes) instead of
/// throwing.
std::string DumpJson(const nlohmann::json& j);

}  // namespace kopt
