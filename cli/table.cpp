// SPDX-License-Identifier: Apache-2.0
#include "cli/table.h"

#include "core/error.h"

#include <algorithm>

namespace kopt::cli {

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::Add(std::vector<std::string> cells) {
  KOPT_CHECK(cells.size() == columns_.size());
  rows_.push_back(std::move(cells));
}

void Table::FitWidths() {
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    std::size_t width = columns_[c].header.size();
    for (const auto& row : rows_) width = std::max(width, row[c].size());
    columns_[c].width = static_cast<int>(width);
  }
}

std::string Table::Line(const std::vector<std::string>& cells) const {
  std::string line;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const Column& column = columns_[c];
    const std::string& cell = cells[c];
    bool last = c + 1 == columns_.size();
    std::size_t width = static_cast<std::size_t>(column.width);
    std::string pad(width > cell.size() ? width - cell.size() : 0, ' ');
    if (c > 0) line += column.gap;
    line += column.right ? pad + cell : cell + (last ? "" : pad);
  }
  return line + "\n";
}

std::string Table::Aligned() const {
  std::vector<std::string> header;
  for (const auto& column : columns_) header.push_back(column.header);
  std::string out = Line(header);
  for (const auto& row : rows_) out += Line(row);
  return out;
}

std::string Table::Markdown() const {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& cell : cells) out += " " + cell + " |";
    return out + "\n";
  };
  std::vector<std::string> header;
  std::string rule = "|";
  for (const auto& column : columns_) {
    header.push_back(column.header);
    rule += "---|";
  }
  std::string out = line(header) + rule + "\n";
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string Table::Csv() const {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += ',';
      out += CsvField(cells[c]);
    }
    return out + "\n";
  };
  std::vector<std::string> header;
  for (const auto& column : columns_) header.push_back(column.header);
  std::string out = line(header);
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string CsvField(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace kopt::cli
