// SPDX-License-Identifier: Apache-2.0
#include "llm/http_errors.h"

#include <cctype>

namespace kopt {
namespace {

constexpr std::size_t kExcerptBytes = 300;

std::string Excerpt(const std::string& body) {
  std::string out;
  bool space = false;
  for (char c : body) {
    if (out.size() >= kExcerptBytes) {
      out += "...";
      break;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out.empty() ? "(empty body)" : out;
}

}  // namespace

std::string StringField(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t IntField(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ApiErrorMessage(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    auto it = j.find("error");
    if (it != j.end()) {
      if (it->is_string()) return it->get<std::string>();
      if (it->is_object() && it->contains("message") && (*it)["message"].is_string()) {
        return (*it)["message"].get<std::string>();
      }
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    if (j.contains("detail") && j["detail"].is_string()) return j["detail"].get<std::string>();
  }
  return Excerpt(body);
}

std::optional<LlmError> HttpFailureToError(const HttpResponse& r, const std::string& url) {
  LlmError e;
  e.retry_after_s = r.retry_after_s;
  using F = HttpResponse::Failure;
  switch (r.failure) {
    case F::kNone:
      break;
    case F::kTimeout:
      e.kind = LlmErrorKind::kTimeout;
      e.message = "timed out: " + r.error + " (" + url + ")";
      return e;
    case F::kConnect:
    case F::kNetwork:
      e.kind = LlmErrorKind::kNetwork;
      e.message = r.error + " (" + url + ")";
      return e;
    case F::kTooLarge:
      e.kind = LlmErrorKind::kBadResponse;
      e.message = r.error + " (" + url + ")";
      e.no_retry = true;
      return e;
    case F::kOther:
      e.kind = LlmErrorKind::kBadRequest;
      e.message = r.error + " (" + url + ")";
      return e;
  }
  if (r.status >= 200 && r.status < 300) return std::nullopt;
  e.http_status = static_cast<int>(r.status);
  if (r.status == 429) {
    e.kind = LlmErrorKind::kRateLimited;
  } else if (r.status == 401 || r.status == 403) {
    e.kind = LlmErrorKind::kAuth;
  } else if (r.status == 408) {
    e.kind = LlmErrorKind::kTimeout;
  } else if (r.status >= 500) {
    e.kind = LlmErrorKind::kServer;
  } else if (r.status >= 400) {
    e.kind = LlmErrorKind::kBadRequest;
  } else {
    e.kind = LlmErrorKind::kBadResponse;
  }
  e.message = "HTTP " + std::to_string(r.status) + " from " + url + ": " + ApiErrorMessage(r.body);
  return e;
}

std::variant<nlohmann::json, LlmError> ParseJsonAnswer(const HttpResponse& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) return j;
  LlmError e;
  e.kind = LlmErrorKind::kBadResponse;
  e.http_status = static_cast<int>(r.status);
  bool json_type = r.content_type.find("json") != std::string::npos;
  if (!json_type) {
    e.message = "expected a JSON answer, got content type '" +
                (r.content_type.empty() ? std::string("none") : r.content_type) +
                "': " + Excerpt(r.body);
  } else if (j.is_discarded()) {
    e.message = "the answer is not valid JSON (" + std::to_string(r.body.size()) +
                " bytes, truncated?): " + Excerpt(r.body);
  } else {
    e.message = "the answer is JSON but not an object: " + Excerpt(r.body);
  }
  return e;
}

}  // namespace kopt
