// SPDX-License-Identifier: Apache-2.0
#include "report/line_diff.h"

#include <sstream>

namespace kopt {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::vector<DiffLine> DiffLines(const std::string& before, const std::string& after,
                                std::size_t max_lines) {
  std::vector<std::string> a = Lines(before), b = Lines(after);
  std::vector<DiffLine> out;
  if (a.size() > max_lines || b.size() > max_lines) {
    for (const auto& line : a) out.push_back({'-', line});
    for (const auto& line : b) out.push_back({'+', line});
    return out;
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      out.push_back({' ', a[i]});
      ++i, ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push_back({'-', a[i++]});
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  for (; i < a.size(); ++i) out.push_back({'-', a[i]});
  for (; j < b.size(); ++j) out.push_back({'+', b[j]});
  return out;
}

std::vector<DiffLine> DiffHunks(const std::vector<DiffLine>& diff, std::size_t context) {
  std::vector<bool> shown(diff.size(), false);
  for (std::size_t k = 0; k < diff.size(); ++k) {
    if (diff[k].op == ' ') continue;
    std::size_t from = k >= context ? k - context : 0;
    for (std::size_t m = from; m < diff.size() && m <= k + context; ++m) shown[m] = true;
  }
  std::vector<DiffLine> out;
  for (std::size_t k = 0; k < diff.size(); ++k) {
    if (shown[k]) {
      out.push_back(diff[k]);
    } else if (out.empty() || out.back().text != "..." || out.back().op != ' ') {
      out.push_back({' ', "..."});
    }
  }
  return out;
}

}  // namespace kopt
