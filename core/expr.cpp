// SPDX-License-Identifier: Apache-2.0
#include "core/expr.h"

#include <cctype>
#include <string_view>

namespace kopt {

struct Expr::Node {
  enum class Kind { kNumber, kName, kNeg, kNot, kBinary, kCall };
  Kind kind;
  std::int64_t number = 0;
  std::string name;  // kName: the symbol; kBinary: the operator; kCall: the function
  std::vector<std::shared_ptr<const Node>> children;
};

namespace {

using NodePtr = std::shared_ptr<const Expr::Node>;
using Kind = Expr::Node::Kind;

// Recursive descent, loosest first, as in C: or := and ('||' and)*; and := compare ('&&'
// compare)*; compare := sum (('=='|'!='|'<='|'>='|'<'|'>') sum)?; sum := product (('+'|'-')
// product)*; product := unary (('*'|'/'|'%') unary)*; unary := '-' unary | '!' unary | primary;
// primary := number | name | name '(' or ',' or ')' | '(' or ')'. A comparison does not chain
// ("a < b < c" is an error, not C's surprise).
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  NodePtr ParseAll() {
    // Bounds on what an LLM may write, so that parsing, evaluating and freeing the tree (all
    // recursive) cannot exhaust kopt's stack: no real size expression comes near them.
    if (text_.size() > kMaxLength) {
      throw ExprError("expression of " + std::to_string(text_.size()) + " characters: at most " +
                      std::to_string(kMaxLength) + " are allowed");
    }
    NodePtr node = ParseOr();
    SkipSpace();
    if (pos_ != text_.size()) Fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    return node;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw ExprError("expression \"" + std::string(text_) + "\": " + what + " at column " +
                    std::to_string(pos_ + 1));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Accept(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool Accept(std::string_view token) {
    SkipSpace();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  static NodePtr Binary(std::string op, NodePtr lhs, NodePtr rhs) {
    auto node = std::make_shared<Expr::Node>();
    node->kind = Kind::kBinary;
    node->name = std::move(op);
    node->children = {std::move(lhs), std::move(rhs)};
    return node;
  }

  NodePtr ParseOr() {
    NodePtr lhs = ParseAnd();
    while (Accept("||")) lhs = Binary("||", lhs, ParseAnd());
    return lhs;
  }

  NodePtr ParseAnd() {
    NodePtr lhs = ParseCompare();
    while (Accept("&&")) lhs = Binary("&&", lhs, ParseCompare());
    return lhs;
  }

  NodePtr ParseCompare() {
    NodePtr lhs = ParseSum();
    // Two-character operators first, so "<=" is not read as "<" followed by "=".
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (!Accept(op)) continue;
      NodePtr node = Binary(std::string(op), lhs, ParseSum());
      SkipSpace();
      if (pos_ < text_.size() && (text_[pos_] == '<' || text_[pos_] == '>' ||
                                  text_.substr(pos_, 2) == "==" || text_.substr(pos_, 2) == "!=")) {
        Fail("comparisons do not chain; join them with &&");
      }
      return node;
    }
    return lhs;
  }

  NodePtr ParseSum() {
    NodePtr lhs = ParseProduct();
    for (;;) {
      if (Accept('+')) {
        lhs = Binary("+", lhs, ParseProduct());
      } else if (Accept('-')) {
        lhs = Binary("-", lhs, ParseProduct());
      } else {
        return lhs;
      }
    }
  }

  NodePtr ParseProduct() {
    NodePtr lhs = ParseUnary();
    for (;;) {
      if (Accept('*')) {
        lhs = Binary("*", lhs, ParseUnary());
      } else if (Accept('/')) {
        lhs = Binary("/", lhs, ParseUnary());
      } else if (Accept('%')) {
        lhs = Binary("%", lhs, ParseUnary());
      } else {
        return lhs;
      }
    }
  }

  NodePtr ParseUnary() {
    // Every nesting (parentheses, a call's arguments, a chain of - or !) passes through here.
    struct Depth {
      int& depth;
      explicit Depth(int& d) : depth(++d) {}
      ~Depth() { --depth; }
      Depth(const Depth&) = delete;
      Depth& operator=(const Depth&) = delete;
    } nesting(depth_);
    if (depth_ > kMaxDepth) Fail("nested more than " + std::to_string(kMaxDepth) + " deep");
    if (Accept('-')) {
      auto node = std::make_shared<Expr::Node>();
      node->kind = Kind::kNeg;
      node->children = {ParseUnary()};
      return node;
    }
    if (Accept('!')) {
      auto node = std::make_shared<Expr::Node>();
      node->kind = Kind::kNot;
      node->children = {ParseUnary()};
      return node;
    }
    return ParsePrimary();
  }

  NodePtr ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) Fail("unexpected end");
    char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      NodePtr inner = ParseOr();
      if (!Accept(')')) Fail("expected ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return ParseNumber();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return ParseNameOrCall();
    Fail("unexpected '" + std::string(1, c) + "'");
  }

  NodePtr ParseNumber() {
    std::int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, text_[pos_] - '0', &value)) {
        Fail("number too large");
      }
      ++pos_;
    }
    auto node = std::make_shared<Expr::Node>();
    node->kind = Kind::kNumber;
    node->number = value;
    return node;
  }

  NodePtr ParseNameOrCall() {
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    auto node = std::make_shared<Expr::Node>();
    node->name = std::string(text_.substr(start, pos_ - start));
    if (!Accept('(')) {
      node->kind = Kind::kName;
      return node;
    }
    if (node->name != "cdiv" && node->name != "min" && node->name != "max") {
      pos_ = start;
      Fail("unknown function '" + node->name + "' (known: cdiv, min, max)");
    }
    node->kind = Kind::kCall;
    node->children.push_back(ParseOr());
    if (!Accept(',')) Fail("expected ',' in " + node->name + "(a, b)");
    node->children.push_back(ParseOr());
    if (!Accept(')')) Fail("expected ')' after the arguments of " + node->name);
    return node;
  }

  static constexpr std::size_t kMaxLength = 1000;
  static constexpr int kMaxDepth = 64;

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

class Evaluator {
 public:
  Evaluator(const std::string& text, const SymbolTable& symbols) : text_(text), symbols_(symbols) {}

  std::int64_t Eval(const Expr::Node& node) const {
    switch (node.kind) {
      case Kind::kNumber:
        return node.number;
      case Kind::kName: {
        auto it = symbols_.find(node.name);
        if (it == symbols_.end()) Fail("unknown name '" + node.name + "'" + KnownNames());
        return it->second;
      }
      case Kind::kNeg: {
        std::int64_t v = Eval(*node.children[0]);
        std::int64_t out = 0;
        if (__builtin_sub_overflow(std::int64_t{0}, v, &out)) Fail("overflow");
        return out;
      }
      case Kind::kNot:
        return Eval(*node.children[0]) == 0 ? 1 : 0;
      case Kind::kBinary:
        // && and || evaluate their right side only when needed, as in C, so that
        // "K > 0 && N % K == 0" is safe.
        if (node.name == "&&") return Eval(*node.children[0]) != 0 && Eval(*node.children[1]) != 0;
        if (node.name == "||") return Eval(*node.children[0]) != 0 || Eval(*node.children[1]) != 0;
        return Apply(node.name, Eval(*node.children[0]), Eval(*node.children[1]));
      case Kind::kCall: {
        std::int64_t a = Eval(*node.children[0]);
        std::int64_t b = Eval(*node.children[1]);
        if (node.name == "min") return a < b ? a : b;
        if (node.name == "max") return a > b ? a : b;
        if (b <= 0) Fail("cdiv by a non-positive value");
        std::int64_t sum = 0;
        if (__builtin_add_overflow(a, b - 1, &sum)) Fail("overflow");
        return a >= 0 ? sum / b : a / b;
      }
    }
    return 0;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw ExprError("expression \"" + text_ + "\": " + what);
  }

  std::string KnownNames() const {
    if (symbols_.empty()) return "";
    std::string names;
    for (const auto& [name, value] : symbols_) names += (names.empty() ? "" : ", ") + name;
    return " (known: " + names + ")";
  }

  std::int64_t Apply(const std::string& op, std::int64_t a, std::int64_t b) const {
    if (op == "==") return a == b;
    if (op == "!=") return a != b;
    if (op == "<=") return a <= b;
    if (op == ">=") return a >= b;
    if (op == "<") return a < b;
    if (op == ">") return a > b;
    std::int64_t out = 0;
    bool overflow = false;
    switch (op[0]) {
      case '+':
        overflow = __builtin_add_overflow(a, b, &out);
        break;
      case '-':
        overflow = __builtin_sub_overflow(a, b, &out);
        break;
      case '*':
        overflow = __builtin_mul_overflow(a, b, &out);
        break;
      default:
        if (b == 0) Fail("division by zero");
        if (a == INT64_MIN && b == -1) Fail("overflow");
        out = op[0] == '/' ? a / b : a % b;
    }
    if (overflow) Fail("overflow");
    return out;
  }

  const std::string& text_;
  const SymbolTable& symbols_;
};

void CollectNames(const Expr::Node& node, std::vector<std::string>& names) {
  if (node.kind == Kind::kName) {
    for (const auto& seen : names) {
      if (seen == node.name) return;
    }
    names.push_back(node.name);
  }
  for (const auto& child : node.children) CollectNames(*child, names);
}

}  // namespace

Expr Expr::Parse(const std::string& text) {
  Expr expr;
  expr.text_ = text;
  expr.root_ = Parser(text).ParseAll();
  return expr;
}

std::int64_t Expr::Eval(const SymbolTable& symbols) const {
  return Evaluator(text_, symbols).Eval(*root_);
}

std::vector<std::string> Expr::Names() const {
  std::vector<std::string> names;
  CollectNames(*root_, names);
  return names;
}

namespace {

std::string PythonOf(const Expr::Node& node, const std::string& symbols) {
  switch (node.kind) {
    case Expr::Node::Kind::kNumber:
      return std::to_string(node.number);
    case Expr::Node::Kind::kName:
      return symbols + "[\"" + node.name + "\"]";
    case Expr::Node::Kind::kNeg:
      return "(-" + PythonOf(*node.children[0], symbols) + ")";
    case Expr::Node::Kind::kNot:
      return "int(not " + PythonOf(*node.children[0], symbols) + ")";
    case Expr::Node::Kind::kBinary: {
      std::string a = PythonOf(*node.children[0], symbols);
      std::string b = PythonOf(*node.children[1], symbols);
      if (node.name == "/") return "div(" + a + ", " + b + ")";
      if (node.name == "%") return "mod(" + a + ", " + b + ")";
      // Python's and/or short-circuit like C's and return an operand, hence bool() and int().
      if (node.name == "&&") return "int(bool(" + a + ") and bool(" + b + "))";
      if (node.name == "||") return "int(bool(" + a + ") or bool(" + b + "))";
      if (node.name.size() == 2 || node.name == "<" || node.name == ">")
        return "int(" + a + " " + node.name + " " + b + ")";
      return "(" + a + " " + node.name + " " + b + ")";
    }
    case Expr::Node::Kind::kCall:
      return node.name + "(" + PythonOf(*node.children[0], symbols) + ", " +
             PythonOf(*node.children[1], symbols) + ")";
  }
  return "";
}

}  // namespace

std::string Expr::ToPython(const std::string& symbols) const { return PythonOf(*root_, symbols); }

std::string SymbolsText(const SymbolTable& symbols) {
  std::string out;
  for (const auto& [name, value] : symbols) {
    out += (out.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  return out;
}

std::int64_t EvalExpr(const std::string& text, const SymbolTable& symbols) {
  return Expr::Parse(text).Eval(symbols);
}

}  // namespace kopt
