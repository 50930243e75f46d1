// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <cctype>

namespace kopt {

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  std::size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

std::string_view CalledFunction(std::string_view call) {
  std::string_view text = Trim(call);
  if (text.empty() || text.back() != ')') return text;
  // The '(' that opens the last argument list, then the name in front of it.
  int depth = 0;
  std::size_t paren = text.size();
  while (paren-- > 0) {
    if (text[paren] == ')') ++depth;
    if (text[paren] == '(' && --depth == 0) break;
  }
  if (paren == std::string_view::npos) return text;
  std::string_view before = Trim(text.substr(0, paren));
  std::size_t start = before.size();
  while (start > 0) {
    char c = before[start - 1];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') break;
    --start;
  }
  return before.substr(start).empty() ? text : before.substr(start);
}

std::string FirstLine(std::string_view text, std::size_t width) {
  std::string line(text.substr(0, text.find('\n')));
  if (line.size() > width) line = line.substr(0, width > 3 ? width - 3 : 0) + "...";
  return line;
}

}  // namespace kopt
