// SPDX-License-Identifier: Apache-2.0
// Integer expressions of task and launch files: "2*M*N*K", "cdiv(N,128)", "max(1, K/64)",
// "K % 8 == 0 && N >= 128".
// Grammar: + - * / % (C semantics, checked for overflow and division by zero), unary minus,
// parentheses, integer literals, names, and the functions cdiv(a,b), min(a,b), max(a,b); the
// comparisons == != < <= > >= and the logical ! && || give 0 or 1 with C's precedence, and && ||
// skip their right side when the left decides (as in C). Comparisons do not chain.
#pragma once

#include "core/error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kopt {

/// Names and their values; a missing name is an error at evaluation.
using SymbolTable = std::map<std::string, std::int64_t, std::less<>>;

/// A syntax error, an unknown name, overflow or division by zero. what() says which and where.
class ExprError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

class Expr {
 public:
  struct Node;

  /// Parses `text`; throws ExprError naming the position of the problem.
  static Expr Parse(const std::string& text);

  std::int64_t Eval(const SymbolTable& symbols) const;
  /// Every name the expression refers to, in order of first appearance.
  std::vector<std::string> Names() const;
  const std::string& text() const { return text_; }
  /// The expression in Python, with the same integer semantics: each name becomes
  /// `symbols["NAME"]`, and / % cdiv call the helpers div, mod and cdiv (C's truncation toward
  /// zero, which Python's // and % do not have), which the Python code must define.
  std::string ToPython(const std::string& symbols = "s") const;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

/// "M=4096 N=4096": names and values in name order, as kopt shows a size or a tunable choice.
std::string SymbolsText(const SymbolTable& symbols);

/// Parse and evaluate in one go.
std::int64_t EvalExpr(const std::string& text, const SymbolTable& symbols);

}  // namespace kopt
