// SPDX-License-Identifier: Apache-2.0
// An external command as an LLM (a local CLI client, a script): the prompt on stdin, the answer
// on stdout. One attempt per call; a non-zero exit, a timeout or no output is an error carrying
// the end of the command's stderr.
#pragma once

#include "llm/concurrency_limit.h"
#include "llm/provider.h"
#include "llm/provider_options.h"

#include <string>

namespace kopt {

class CommandProvider : public Provider {
 public:
  /// `command` runs under /bin/sh -c in its own process group (killed whole on timeout).
  /// Uses max_concurrency, timeout_s and max_response_bytes from `options`.
  CommandProvider(std::string command, ProviderOptions options);

  CompletionResult Complete(const CompletionRequest& request) override;
  const std::string& name() const override { return name_; }
  const std::string& model() const override { return command_; }

 private:
  std::string name_ = "cmd";
  std::string command_;
  ProviderOptions options_;
  ConcurrencyLimit limit_;
};

/// What the command reads on stdin (exposed for tests): every message's content, system first,
/// separated by blank lines. The command also sees KOPT_LLM_PURPOSE, KOPT_LLM_SAMPLE_INDEX,
/// KOPT_LLM_MAX_TOKENS and, when set, KOPT_LLM_TEMPERATURE and KOPT_LLM_REASONING_EFFORT.
std::string CommandPrompt(const CompletionRequest& request);

}  // namespace kopt
