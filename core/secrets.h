// SPDX-License-Identifier: Apache-2.0
// Known secret values (API keys, passwords in URLs) and their removal from text. Every text kopt
// stores, prints or sends to an LLM goes through RedactSecrets once, at that boundary
// (core/README.md says where).
#pragma once

#include <atomic>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// Secret values, and text with each of them replaced by "[redacted]". Safe to use from many
/// threads at once.
class SecretSet {
 public:
  /// Adds `value` and the forms it takes escaped in JSON and in a URL, where they differ. An
  /// empty value is ignored.
  void Add(std::string_view value);
  /// `text` with every occurrence of every value replaced by "[redacted]". Occurrences that
  /// overlap become one "[redacted]", so no part of either is left.
  std::string Redact(std::string text) const;
  bool empty() const { return count_.load(std::memory_order_acquire) == 0; }

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::string> values_;  // every form, without duplicates
  std::atomic<std::size_t> count_{0};
};

/// The process's set: filled at start-up (cli/main.cpp) and wherever a key is read
/// (ResolveApiKey).
SecretSet& ProcessSecrets();

/// ProcessSecrets().Redact(text): the one redaction of what kopt stores, prints or sends.
std::string RedactSecrets(std::string text);

/// The password of every `scheme://user:password@host` URL in `text`, as written (maybe
/// percent-encoded) and decoded.
std::vector<std::string> UrlPasswords(std::string_view text);

/// Adds to `set`, from `environment` (a null-terminated `NAME=value` array such as `environ`):
/// the value of each variable in `variables` that is set; the value of every variable whose
/// name ends in _API_KEY, _TOKEN, _SECRET or _PASSWORD, when it has at least
/// kMinPatternSecretBytes (shorter values are too likely to be ordinary words or numbers); and
/// the password of every URL in any value (a proxy or database URL).
void AddEnvironmentSecrets(SecretSet& set, const std::vector<std::string>& variables,
                           const char* const* environment);

inline constexpr std::size_t kMinPatternSecretBytes = 8;

/// Whether a variable's name says it holds a secret: it ends in _API_KEY, _TOKEN, _SECRET or
/// _PASSWORD (any case).
bool HasSecretName(std::string_view name);

/// The entries of `environment` (a null-terminated `NAME=value` array) that hold no secret: what
/// a child that needs kopt's environment but none of its keys inherits. Left out: a variable
/// with a secret name (whatever its length), one whose value holds a URL with a password, and
/// one whose value holds any value of `known` (ProcessSecrets(): the provider keys, the
/// variable --api-key-env names).
std::vector<std::string> EnvironmentWithoutSecrets(const char* const* environment,
                                                   const SecretSet& known);

}  // namespace kopt
