// SPDX-License-Identifier: Apache-2.0
// Reads what an LLM answered. A code response yields the last fenced code block made into a
// candidate for the task; a plan response yields the chosen menu option and the plan text.
// Neither throws for a bad response: the failure is a reason the caller records.
#pragma once

#include "core/candidate.h"
#include "core/task.h"
#include "prompts/menu.h"

#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// One fenced block (``` or ~~~) of a Markdown text; CRLF is read as LF.
struct FencedBlock {
  std::string language;  // the first word of the info string, lower case; "" for a bare fence
  std::string body;      // the lines between the fences
  bool closed = false;   // false: the text ended inside the block
  int first_line = 0;    // 1-based line of the opening fence
  int last_line = 0;     // the closing fence's line, or the text's last line
};

/// Every fenced block in order. Fences may be indented; a block closes at a fence of the same
/// character at least as long as the one that opened it.
std::vector<FencedBlock> FindFencedBlocks(std::string_view text);

struct CodeResponse {
  /// The chosen block as a kernel, or why the answer holds none: no code block (kNoCode), a block
  /// the answer ended in (kCutOff), a launch block that does not parse or fit the task
  /// (kLaunchBlock). Its source is the block's text either way ("" when there is no block), kept
  /// for the repair prompt.
  CandidateResult candidate;
  std::string language;
  std::size_t blocks = 0;  // fenced blocks in the response, of any language

  bool ok() const { return candidate.ok(); }
};

/// Takes the last fenced block written as ```cuda, ```cu, ```cpp, ```c++, ```cxx, ```cc, ```c or
/// a bare fence, and makes it the candidate for `task` (TryMakeCandidate: its launch block checked
/// on all of the task's sizes, with every tunable at its first value).
CodeResponse ParseCodeResponse(const std::string& response, const Task& task);

struct PlanResponse {
  /// An id of the menu; kInventOptionId when the answer named no option or an unknown one.
  std::string option_id;
  std::string named;   // what followed "Option:", as written ("" when there was no such line)
  std::string plan;    // the answer without its Option line and "Plan:" label
  std::string reason;  // non-empty when the answer holds no plan at all

  bool ok() const { return reason.empty(); }
};

/// Finds the first line "Option: <id>" outside code blocks (Markdown emphasis, backticks and
/// trailing punctuation allowed) and the plan text around it. An id that is not in `menu` maps
/// to the invent entry, unless it is the unique last part of a menu id ("vectorized_loads").
PlanResponse ParsePlanResponse(const std::string& response, const Menu& menu);

}  // namespace kopt
