// SPDX-License-Identifier: Apache-2.0
#include "prompts/response_parser.h"

#include "core/text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace kopt {
namespace {

// The response with CRLF and lone CR read as LF, split into lines.
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string line;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      lines.push_back(std::move(line));
      line.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Fence {
  char ch = 0;
  std::size_t length = 0;
  std::size_t indent = 0;
  std::string_view rest;  // after the fence characters
};

// A line that starts (after any indentation) with three or more backticks or tildes.
std::optional<Fence> ReadFence(std::string_view line) {
  Fence f;
  while (f.indent < line.size() && (line[f.indent] == ' ' || line[f.indent] == '\t')) ++f.indent;
  if (f.indent >= line.size() || (line[f.indent] != '`' && line[f.indent] != '~')) return {};
  f.ch = line[f.indent];
  std::size_t i = f.indent;
  while (i < line.size() && line[i] == f.ch) ++i;
  f.length = i - f.indent;
  if (f.length < 3) return {};
  f.rest = line.substr(i);
  // A backtick fence's info string has no backticks (otherwise it is inline code).
  if (f.ch == '`' && f.rest.find('`') != std::string_view::npos) return {};
  return f;
}

// Drops up to `indent` leading spaces, as the opening fence was indented.
std::string_view Dedent(std::string_view line, std::size_t indent) {
  std::size_t n = 0;
  while (n < indent && n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return line.substr(n);
}

constexpr std::array<std::string_view, 8> kCodeLanguages = {"",    "cuda", "cu", "cpp",
                                                            "c++", "cxx",  "cc", "c"};

bool IsCodeLanguage(std::string_view lang) {
  return std::find(kCodeLanguages.begin(), kCodeLanguages.end(), lang) != kCodeLanguages.end();
}

bool IsIdChar(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// The id after "Option:" on a line, if the line is an option line.
std::optional<std::string> OptionValue(std::string_view line, std::string* written) {
  std::string_view s = Trim(line);
  while (!s.empty() &&
         (s[0] == '#' || s[0] == '*' || s[0] == '_' || s[0] == '>' || s[0] == '-' || s[0] == ' ')) {
    s.remove_prefix(1);
  }
  std::string lower = Lower(s);
  std::string_view l = lower;
  for (std::string_view prefix : {"chosen ", "selected "}) {
    if (l.substr(0, prefix.size()) == prefix) l.remove_prefix(prefix.size());
  }
  if (l.substr(0, 6) != "option") return std::nullopt;
  l.remove_prefix(6);
  if (l.substr(0, 3) == " id") l.remove_prefix(3);
  while (!l.empty() && (l[0] == '*' || l[0] == '_' || l[0] == ' ')) l.remove_prefix(1);
  if (l.empty() || l[0] != ':') return std::nullopt;
  l.remove_prefix(1);
  std::size_t offset = static_cast<std::size_t>(l.data() - lower.data());
  *written = std::string(Trim(s.substr(offset)));
  while (!l.empty() && !IsIdChar(l[0])) l.remove_prefix(1);
  std::size_t n = 0;
  while (n < l.size() && IsIdChar(l[n])) ++n;
  std::string id(l.substr(0, n));
  while (!id.empty() && id.back() == '.') id.pop_back();
  return id;
}

// Removes a leading "Plan:" label; the text after it on the same line stays.
std::string StripPlanLabel(std::string text) {
  std::size_t b = text.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  text = text.substr(b);
  std::string_view s = text;
  std::size_t i = 0;
  while (i < s.size() && (s[i] == '#' || s[i] == '*' || s[i] == '_' || s[i] == ' ')) ++i;
  if (Lower(s.substr(i, 4)) == "plan") {
    std::size_t j = i + 4;
    while (j < s.size() && (s[j] == '*' || s[j] == '_' || s[j] == ' ')) ++j;
    if (j < s.size() && s[j] == ':') {
      ++j;
      while (j < s.size() && (s[j] == '*' || s[j] == '_')) ++j;
      text = text.substr(j);
    }
  }
  std::size_t first = text.find_first_not_of(" \t\n");
  std::size_t last = text.find_last_not_of(" \t\n");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

}  // namespace

std::vector<FencedBlock> FindFencedBlocks(std::string_view text) {
  std::vector<std::string> lines = Lines(text);
  std::vector<FencedBlock> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::optional<Fence> open = ReadFence(lines[i]);
    if (!open) continue;
    FencedBlock block;
    std::string_view info = Trim(open->rest);
    block.language = Lower(info.substr(0, info.find_first_of(" \t{")));
    block.first_line = static_cast<int>(i + 1);
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      std::optional<Fence> close = ReadFence(lines[j]);
      if (close && close->ch == open->ch && close->length >= open->length &&
          Trim(close->rest).empty()) {
        block.closed = true;
        break;
      }
      block.body += std::string(Dedent(lines[j], open->indent)) + "\n";
    }
    block.last_line = static_cast<int>(std::min(j + 1, lines.size()));
    blocks.push_back(std::move(block));
    i = j;
  }
  return blocks;
}

CodeResponse ParseCodeResponse(const std::string& response, const Task& task) {
  CodeResponse out;
  std::vector<FencedBlock> blocks = FindFencedBlocks(response);
  out.blocks = blocks.size();
  const FencedBlock* chosen = nullptr;
  for (const auto& b : blocks) {
    // A lone fence at the very end ("```" after the closing one) is a stray, not a cut-off block.
    bool stray = !b.closed && b.body.find_first_not_of(" \t\n") == std::string::npos;
    if (IsCodeLanguage(b.language) && !stray) chosen = &b;
  }
  if (!chosen) {
    std::string reason = "the response has no fenced ```cuda code block";
    if (!blocks.empty()) {
      std::string langs;
      for (const auto& b : blocks) langs += (langs.empty() ? "" : ", ") + b.language;
      reason += " (its fenced blocks are: " + langs + ")";
    }
    out.candidate = CandidateResult::Failed("", {}, {CandidateErrorKind::kNoCode, reason});
    return out;
  }
  const std::string& code = chosen->body;
  out.language = chosen->language;
  if (!chosen->closed) {
    out.candidate =
        CandidateResult::Failed(code, {},
                                {CandidateErrorKind::kCutOff,
                                 "the answer was cut off: its last code block (line " +
                                     std::to_string(chosen->first_line) + ") is never closed"});
    return out;
  }
  if (code.find_first_not_of(" \t\n") == std::string::npos) {
    out.candidate = CandidateResult::Failed(
        code, {},
        {CandidateErrorKind::kNoCode,
         "the last code block (line " + std::to_string(chosen->first_line) + ") is empty"});
    return out;
  }
  out.candidate = TryMakeCandidate(task, code);
  return out;
}

PlanResponse ParsePlanResponse(const std::string& response, const Menu& menu) {
  PlanResponse out;
  std::vector<std::string> lines = Lines(response);
  std::vector<bool> in_code(lines.size(), false);
  for (const auto& b : FindFencedBlocks(response)) {
    for (int l = b.first_line; l <= b.last_line; ++l)
      in_code[static_cast<std::size_t>(l - 1)] = true;
  }
  std::optional<std::size_t> option_line;
  std::string id;
  for (std::size_t i = 0; i < lines.size() && !option_line; ++i) {
    if (in_code[i]) continue;
    if (auto value = OptionValue(lines[i], &out.named)) {
      option_line = i;
      id = *value;
    }
  }
  std::string plan;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (option_line && i == *option_line) continue;
    plan += lines[i] + "\n";
  }
  out.plan = StripPlanLabel(plan);

  if (!option_line) {
    out.option_id = std::string(kInventOptionId);
  } else if (menu.Find(id)) {
    out.option_id = id;
  } else {
    const MenuEntry* suffix_match = nullptr;
    int matches = 0;
    for (const auto& e : menu.entries) {
      if (!id.empty() && e.id.size() > id.size() && e.id.ends_with("." + id)) {
        suffix_match = &e;
        ++matches;
      }
    }
    if (matches == 1) {
      out.option_id = suffix_match->id;
    } else {
      out.option_id = std::string(kInventOptionId);
    }
  }
  if (out.plan.empty()) out.reason = "the answer holds no plan text";
  return out;
}

}  // namespace kopt
