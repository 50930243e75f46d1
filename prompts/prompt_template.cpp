// SPDX-License-Identifier: Apache-2.0
#include "prompts/prompt_template.h"

#include "core/error.h"
#include "core/text.h"

#include <cctype>
#include <optional>

namespace kopt {

struct PromptTemplate::Node {
  enum class Kind { kText, kVar, kSection, kInverted, kPartial };
  Kind kind = Kind::kText;
  std::string text;  // the literal text, or the name the tag refers to
  int line = 0;
  std::vector<Node> children;  // sections
};

namespace {

using Node = PromptTemplate::Node;

// Partials may include partials; deeper than this is taken as a cycle.
constexpr int kMaxPartialDepth = 16;

[[noreturn]] void Fail(const std::string& template_name, int line, const std::string& what) {
  throw ConfigError("prompt template " + template_name + ": line " + std::to_string(line) + ": " +
                    what);
}

bool IsName(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

class Parser {
 public:
  Parser(const std::string& name, const std::string& text) : name_(name), text_(text) {}

  std::vector<Node> Parse() {
    std::vector<Node> root;
    std::vector<Node> open;  // sections not yet closed, innermost last
    auto current = [&]() -> std::vector<Node>& {
      return open.empty() ? root : open.back().children;
    };
    std::size_t pos = 0;
    std::size_t prev_tag_end = 0;
    while (true) {
      std::size_t start = text_.find("{{", pos);
      if (start == std::string::npos) {
        AddText(current(), pos, text_.size());
        break;
      }
      int line = LineOf(start);
      std::size_t close = text_.find("}}", start + 2);
      if (close == std::string::npos) Fail(name_, line, "'{{' without a closing '}}'");
      std::string_view inner = std::string_view(text_).substr(start + 2, close - start - 2);
      std::size_t tag_end = close + 2;
      char sigil = inner.empty() ? '\0' : inner[0];
      bool structural =
          sigil == '!' || sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>';

      // A structural tag alone on its line renders nothing, not even the line.
      std::size_t text_end = start;
      std::size_t next = tag_end;
      if (structural) {
        std::size_t line_start = start;
        while (line_start > 0 && text_[line_start - 1] != '\n') --line_start;
        std::size_t line_end = text_.find('\n', tag_end);
        std::size_t rest_end = line_end == std::string::npos ? text_.size() : line_end;
        std::string_view view(text_);
        if (line_start >= prev_tag_end && IsBlank(view.substr(line_start, start - line_start)) &&
            IsBlank(view.substr(tag_end, rest_end - tag_end))) {
          text_end = line_start;
          next = line_end == std::string::npos ? text_.size() : line_end + 1;
        }
      }
      AddText(current(), pos, text_end);
      pos = next;
      prev_tag_end = next;
      if (sigil == '!') continue;

      std::string_view name = Trim(structural ? inner.substr(1) : inner);
      if (!IsName(name)) {
        Fail(name_, line,
             "'{{" + std::string(inner) +
                 "}}' is not a tag (a tag holds a name, optionally after #, ^, /, > or !)");
      }
      Node node;
      node.text = std::string(name);
      node.line = line;
      if (sigil == '#' || sigil == '^') {
        node.kind = sigil == '#' ? Node::Kind::kSection : Node::Kind::kInverted;
        open.push_back(std::move(node));
      } else if (sigil == '/') {
        if (open.empty()) Fail(name_, line, "{{/" + node.text + "}} closes no section");
        if (open.back().text != node.text) {
          Fail(name_, line,
               "{{/" + node.text + "}} closes '" + open.back().text + "' (opened on line " +
                   std::to_string(open.back().line) + ")");
        }
        Node done = std::move(open.back());
        open.pop_back();
        current().push_back(std::move(done));
      } else {
        node.kind = sigil == '>' ? Node::Kind::kPartial : Node::Kind::kVar;
        current().push_back(std::move(node));
      }
    }
    if (!open.empty()) {
      Fail(
          name_, open.back().line,
          "section '" + open.back().text + "' is never closed (add {{/" + open.back().text + "}})");
    }
    return root;
  }

 private:
  void AddText(std::vector<Node>& into, std::size_t from, std::size_t to) const {
    if (to <= from) return;
    Node node;
    node.kind = Node::Kind::kText;
    node.text = text_.substr(from, to - from);
    into.push_back(std::move(node));
  }

  int LineOf(std::size_t offset) const {
    int line = 1;
    for (std::size_t i = 0; i < offset; ++i) line += text_[i] == '\n';
    return line;
  }

  const std::string& name_;
  const std::string& text_;
};

const PromptTemplate& RequirePartial(const PromptTemplate& tmpl, const Node& node,
                                     const PartialLookup& partials, int depth) {
  const PromptTemplate* partial = partials ? partials(node.text) : nullptr;
  if (!partial) Fail(tmpl.name(), node.line, "no template '" + node.text + "' to include");
  if (depth >= kMaxPartialDepth) {
    Fail(tmpl.name(), node.line, "templates include each other too deeply (a cycle?)");
  }
  return *partial;
}

class Renderer {
 public:
  Renderer(const PartialLookup& partials, std::string& out) : partials_(partials), out_(out) {}

  void Render(const PromptTemplate& tmpl, const std::vector<Node>& nodes, int depth) {
    for (const Node& node : nodes) {
      switch (node.kind) {
        case Node::Kind::kText:
          out_ += node.text;
          break;
        case Node::Kind::kVar:
          out_ += Text(tmpl, node);
          break;
        case Node::Kind::kSection:
        case Node::Kind::kInverted:
          Section(tmpl, node, depth);
          break;
        case Node::Kind::kPartial: {
          const PromptTemplate& partial = RequirePartial(tmpl, node, partials_, depth);
          Render(partial, partial.nodes(), depth + 1);
          break;
        }
      }
    }
  }

  std::vector<const TemplateVars*> scopes;

 private:
  const std::string& Text(const PromptTemplate& tmpl, const Node& node) const {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      if (const std::string* text = (*it)->FindText(node.text)) return *text;
      if ((*it)->FindFlag(node.text) || (*it)->FindList(node.text)) {
        Fail(tmpl.name(), node.line,
             "'" + node.text + "' is a flag or a list; use it as {{#" + node.text + "}}");
      }
    }
    Fail(tmpl.name(), node.line, "no value for variable '" + node.text + "'");
  }

  void Section(const PromptTemplate& tmpl, const Node& node, int depth) {
    bool inverted = node.kind == Node::Kind::kInverted;
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      std::optional<bool> on;
      if (const bool* flag = (*it)->FindFlag(node.text)) on = *flag;
      if (const std::string* text = (*it)->FindText(node.text)) on = !text->empty();
      if (on) {
        if (*on != inverted) Render(tmpl, node.children, depth);
        return;
      }
      if (const std::vector<TemplateVars>* list = (*it)->FindList(node.text)) {
        if (inverted) {
          if (list->empty()) Render(tmpl, node.children, depth);
          return;
        }
        for (const TemplateVars& item : *list) {
          scopes.push_back(&item);
          Render(tmpl, node.children, depth);
          scopes.pop_back();
        }
        return;
      }
    }
    Fail(tmpl.name(), node.line, "no value for variable '" + node.text + "'");
  }

  const PartialLookup& partials_;
  std::string& out_;
};

class Checker {
 public:
  explicit Checker(const PartialLookup& partials) : partials_(partials) {}

  void Check(const PromptTemplate& tmpl, const std::vector<Node>& nodes, int depth) {
    for (const Node& node : nodes) {
      if (node.kind == Node::Kind::kText) continue;
      if (node.kind == Node::Kind::kPartial) {
        const PromptTemplate& partial = RequirePartial(tmpl, node, partials_, depth);
        Check(partial, partial.nodes(), depth + 1);
        continue;
      }
      const TemplateSchema::Var* var = nullptr;
      for (auto it = scopes.rbegin(); it != scopes.rend() && !var; ++it)
        var = (*it)->Find(node.text);
      if (!var) {
        std::string known;
        for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
          known += (known.empty() ? "" : "; ") + (*it)->Names();
        Fail(tmpl.name(), node.line,
             "unknown variable '" + node.text + "' (this prompt has: " + known + ")");
      }
      if (node.kind == Node::Kind::kVar) {
        if (var->kind != TemplateSchema::Kind::kText) {
          Fail(tmpl.name(), node.line,
               "'" + node.text + "' is a flag or a list; use it as {{#" + node.text + "}}");
        }
        continue;
      }
      bool item_scope =
          var->kind == TemplateSchema::Kind::kList && node.kind == Node::Kind::kSection;
      if (item_scope) scopes.push_back(var->item.get());
      Check(tmpl, node.children, depth);
      if (item_scope) scopes.pop_back();
    }
  }

  std::vector<const TemplateSchema*> scopes;

 private:
  const PartialLookup& partials_;
};

}  // namespace

TemplateVars& TemplateVars::Set(const std::string& name, std::string text) {
  Erase(name);
  texts_[name] = std::move(text);
  return *this;
}

TemplateVars& TemplateVars::SetFlag(const std::string& name, bool on) {
  Erase(name);
  flags_[name] = on;
  return *this;
}

TemplateVars& TemplateVars::SetList(const std::string& name, std::vector<TemplateVars> items) {
  Erase(name);
  lists_[name] = std::move(items);
  return *this;
}

void TemplateVars::Erase(const std::string& name) {
  texts_.erase(name);
  flags_.erase(name);
  lists_.erase(name);
}

const std::string* TemplateVars::FindText(std::string_view name) const {
  auto it = texts_.find(name);
  return it == texts_.end() ? nullptr : &it->second;
}

const bool* TemplateVars::FindFlag(std::string_view name) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? nullptr : &it->second;
}

const std::vector<TemplateVars>* TemplateVars::FindList(std::string_view name) const {
  auto it = lists_.find(name);
  return it == lists_.end() ? nullptr : &it->second;
}

TemplateSchema& TemplateSchema::Text(std::initializer_list<const char*> names) {
  for (const char* n : names) vars_[n] = Var{Kind::kText, nullptr};
  return *this;
}

TemplateSchema& TemplateSchema::Flag(std::initializer_list<const char*> names) {
  for (const char* n : names) vars_[n] = Var{Kind::kFlag, nullptr};
  return *this;
}

TemplateSchema& TemplateSchema::List(const std::string& name, TemplateSchema item) {
  vars_[name] = Var{Kind::kList, std::make_shared<const TemplateSchema>(std::move(item))};
  return *this;
}

const TemplateSchema::Var* TemplateSchema::Find(std::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

std::string TemplateSchema::Names() const {
  std::string out;
  for (const auto& [name, var] : vars_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

PromptTemplate PromptTemplate::Parse(std::string name, const std::string& text) {
  PromptTemplate t;
  t.nodes_ = std::make_shared<const std::vector<Node>>(Parser(name, text).Parse());
  t.name_ = std::move(name);
  t.source_ = text;
  return t;
}

void PromptTemplate::Check(const TemplateSchema& schema, const PartialLookup& partials) const {
  Checker checker(partials);
  checker.scopes.push_back(&schema);
  checker.Check(*this, *nodes_, 0);
}

std::string PromptTemplate::Render(const TemplateVars& vars, const PartialLookup& partials) const {
  std::string out;
  Renderer renderer(partials, out);
  renderer.scopes.push_back(&vars);
  renderer.Render(*this, *nodes_, 0);
  return out;
}

}  // namespace kopt
