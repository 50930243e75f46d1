// SPDX-License-Identifier: Apache-2.0
// A table of text cells, rendered as aligned columns, Markdown or CSV: how every command shows
// rows (print.h prints the text). Columns are declared once, so a header and its rows cannot
// drift apart.
#pragma once

#include <string>
#include <vector>

namespace kopt::cli {

struct Column {
  std::string header;
  /// Cells are padded to this width and never cut (printf's %-Ns or %Ns); 0: not padded.
  int width = 0;
  bool right = false;     // right-aligned (numbers)
  std::string gap = " ";  // printed before the column, except the first
};

class Table {
 public:
  explicit Table(std::vector<Column> columns);
  /// One row, a cell per column.
  void Add(std::vector<std::string> cells);
  /// Widens each column to its widest cell, header included.
  void FitWidths();

  /// The header and rows as aligned columns, a line each. A left-aligned last column is not
  /// padded, so no line ends in blanks.
  std::string Aligned() const;
  /// A Markdown table: `| a | b |`, the header's `|---|---|` rule, then the rows.
  std::string Markdown() const;
  /// CSV: the header, then the rows; a cell with a comma, quote or newline is quoted.
  std::string Csv() const;

 private:
  std::string Line(const std::vector<std::string>& cells) const;

  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// A CSV field: quoted, with quotes doubled, when it holds a comma, quote or newline.
std::string CsvField(const std::string& field);

}  // namespace kopt::cli
