// SPDX-License-Identifier: Apache-2.0
// A line diff of two texts (longest common subsequence), for the report's source changes between
// the steps of a winner's lineage.
#pragma once

#include <string>
#include <vector>

namespace kopt {

struct DiffLine {
  char op = ' ';  // ' ' kept, '-' only in the old text, '+' only in the new
  std::string text;
};

/// Every line of both texts in order, each marked; texts longer than `max_lines` lines are
/// compared as a whole (all old lines removed, all new added), so the work stays bounded.
std::vector<DiffLine> DiffLines(const std::string& before, const std::string& after,
                                std::size_t max_lines = 2000);

/// Only the changed lines and `context` kept lines around each change; a skipped run of kept
/// lines becomes one line {' ', "..."}.
std::vector<DiffLine> DiffHunks(const std::vector<DiffLine>& diff, std::size_t context = 2);

}  // namespace kopt
