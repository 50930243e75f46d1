// SPDX-License-Identifier: Apache-2.0
// Reads what an LLM answered. A code response yields the last fenced code block, with its launch
// block parsed and validated against the task; a plan response yields the chosen menu option and
// the plan text. Neither throws for a bad response: the failure is a stored reason.
#pragma once

#include "core/launch_block.h"
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

/// Why a code response cannot be used. The names are stored and never change.
enum class CodeResponseError { kNone, kNoCodeBlock, kUnclosedBlock, kEmptyBlock, kLaunchBlock };
std::string_view CodeResponseErrorName(CodeResponseError error);

struct CodeResponse {
  CodeResponseError error = CodeResponseError::kNone;
  /// Empty when usable; otherwise a sentence a person or an LLM can act on.
  std::string reason;
  /// The chosen block's text; kept when the launch block is bad (the repair prompt shows it).
  std::string code;
  std::string language;
  LaunchBlock launch;      // parsed and validated, when usable
  std::size_t blocks = 0;  // fenced blocks in the response, of any language

  bool ok() const { return error == CodeResponseError::kNone; }
};

/// Takes the last fenced block written as ```cuda, ```cu, ```cpp, ```c++, ```cxx, ```cc, ```c or
/// a bare fence, and checks its launch block against `task` on all of its sizes, with every
/// tunable at its first value.
CodeResponse ParseCodeResponse(const std::string& response, const Task& task);

struct PlanResponse {
  /// An id of the menu; kInventOptionId when the answer named no option or an unknown one.
  std::string option_id;
  std::string named;   // what followed "Option:", as written ("" when there was no such line)
  std::string plan;    // the answer without its Option line and "Plan:" label
  std::string note;    // why `option_id` differs from `named`, or ""
  std::string reason;  // non-empty when the answer holds no plan at all

  bool ok() const { return reason.empty(); }
};

/// Finds the first line "Option: <id>" outside code blocks (Markdown emphasis, backticks and
/// trailing punctuation allowed) and the plan text around it. An id that is not in `menu` maps
/// to the invent entry, unless it is the unique last part of a menu id ("vectorized_loads").
PlanResponse ParsePlanResponse(const std::string& response, const Menu& menu);

}  // namespace kopt
