// SPDX-License-Identifier: Apache-2.0
#include "core/secrets.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

namespace kopt {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

// The string as it reads inside a JSON string literal (quotes removed); `ascii` escapes every
// non-ASCII character as \uXXXX, as some encoders do.
std::string JsonEscaped(std::string_view value, bool ascii) {
  std::string text = nlohmann::json(std::string(value))
                         .dump(-1, ' ', ascii, nlohmann::json::error_handler_t::replace);
  return text.substr(1, text.size() - 2);
}

// Every byte outside RFC 3986's unreserved set as %XX.
std::string UrlEscaped(std::string_view value, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int high = text[i] == '%' && i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int low = high >= 0 ? HexValue(text[i + 2]) : -1;
    if (low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Where a URL's authority (user:password@host:port) stops: RFC 3986's delimiters, and what
// ends a URL written in prose, JSON or a shell line.
bool EndsAuthority(char c) {
  return c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
         c == '\\' || std::isspace(static_cast<unsigned char>(c));
}

}  // namespace

void SecretSet::Add(std::string_view value) {
  if (value.empty()) return;
  std::string forms[] = {std::string(value), JsonEscaped(value, false), JsonEscaped(value, true),
                         UrlEscaped(value, true), UrlEscaped(value, false)};
  std::unique_lock lock(mu_);
  for (auto& form : forms) {
    if (std::find(values_.begin(), values_.end(), form) == values_.end()) {
      values_.push_back(std::move(form));
    }
  }
  count_.store(values_.size(), std::memory_order_release);
}

std::string SecretSet::Redact(std::string text) const {
  if (empty() || text.empty()) return text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // [begin, end) of each occurrence
  {
    std::shared_lock lock(mu_);
    for (const auto& v : values_) {
      for (std::size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 1)) {
        spans.emplace_back(at, at + v.size());
      }
    }
  }
  if (spans.empty()) return text;
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t i = 0; i < spans.size();) {
    auto [begin, end] = spans[i];
    for (++i; i < spans.size() && spans[i].first < end; ++i) end = std::max(end, spans[i].second);
    out.append(text, copied, begin - copied);
    out += kRedacted;
    copied = end;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

SecretSet& ProcessSecrets() {
  static SecretSet secrets;
  return secrets;
}

std::string RedactSecrets(std::string text) { return ProcessSecrets().Redact(std::move(text)); }

std::vector<std::string> UrlPasswords(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    std::size_t scheme = sep;
    while (scheme > 0 && IsSchemeChar(text[scheme - 1])) --scheme;
    while (scheme < sep && !std::isalpha(static_cast<unsigned char>(text[scheme]))) ++scheme;
    if (scheme == sep) continue;  // "://" without a scheme is no URL
    std::size_t start = sep + 3, end = start;
    while (end < text.size() && !EndsAuthority(text[end])) ++end;
    std::string_view authority = text.substr(start, end - start);
    std::size_t at = authority.rfind('@');  // a raw '@' in the password is still the password's
    if (at == std::string_view::npos) continue;
    std::string_view userinfo = authority.substr(0, at);
    std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos || colon + 1 == userinfo.size()) continue;
    std::string_view password = userinfo.substr(colon + 1);
    out.emplace_back(password);
    if (std::string decoded = PercentDecoded(password); decoded != password) {
      out.push_back(std::move(decoded));
    }
  }
  return out;
}

bool HasSecretName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view suffix : {"_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD"}) {
    if (upper.size() > suffix.size() &&
        upper.compare(upper.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

void AddEnvironmentSecrets(SecretSet& set, const std::vector<std::string>& variables,
                           const char* const* environment) {
  for (const char* const* entry = environment; entry && *entry; ++entry) {
    std::string_view text(*entry);
    std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = text.substr(0, eq), value = text.substr(eq + 1);
    bool named = std::find(variables.begin(), variables.end(), name) != variables.end();
    if (named || (HasSecretName(name) && value.size() >= kMinPatternSecretBytes)) {
      set.Add(value);
    }
    for (const auto& password : UrlPasswords(value)) {
      if (password.size() >= kMinPatternSecretBytes) set.Add(password);
    }
  }
}

std::vector<std::string> EnvironmentWithoutSecrets(const char* const* environment,
                                                   const SecretSet& known) {
  std::vector<std::string> out;
  for (const char* const* entry = environment; entry && *entry; ++entry) {
    std::string text(*entry);
    std::size_t eq = text.find('=');
    if (eq == std::string::npos) continue;
    std::string value = text.substr(eq + 1);
    if (HasSecretName(std::string_view(text).substr(0, eq)) || !UrlPasswords(value).empty() ||
        known.Redact(value) != value) {
      continue;
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace kopt
