// SPDX-License-Identifier: Apache-2.0
// A small template language for prompt files: {{name}} inserts text, {{#name}}...{{/name}} renders
// when a flag is set or a text is non-empty and repeats over a list, {{^name}}...{{/name}} renders
// when it is not, {{>other}} includes another template, {{! ... }} is a comment. A tag alone on
// its line takes the line with it. Inserted values are never re-read as template syntax.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kopt {

/// The values of one rendering: texts, flags and lists whose items are values of their own.
/// A name has one kind; setting it again replaces it.
class TemplateVars {
 public:
  TemplateVars& Set(const std::string& name, std::string text);
  TemplateVars& SetFlag(const std::string& name, bool on);
  TemplateVars& SetList(const std::string& name, std::vector<TemplateVars> items);

  const std::string* FindText(std::string_view name) const;
  const bool* FindFlag(std::string_view name) const;
  const std::vector<TemplateVars>* FindList(std::string_view name) const;

 private:
  void Erase(const std::string& name);

  std::map<std::string, std::string, std::less<>> texts_;
  std::map<std::string, bool, std::less<>> flags_;
  std::map<std::string, std::vector<TemplateVars>, std::less<>> lists_;
};

/// The names a template may use, with their kinds; a list names the fields of its items. Used to
/// reject a template (for instance a user's override) that refers to a name kopt never sets.
class TemplateSchema {
 public:
  enum class Kind { kText, kFlag, kList };
  struct Var {
    Kind kind = Kind::kText;
    std::shared_ptr<const TemplateSchema> item;  // kList only
  };

  TemplateSchema& Text(std::initializer_list<const char*> names);
  TemplateSchema& Flag(std::initializer_list<const char*> names);
  TemplateSchema& List(const std::string& name, TemplateSchema item);

  const Var* Find(std::string_view name) const;
  /// "a, b, c": the names, for error messages.
  std::string Names() const;

 private:
  std::map<std::string, Var, std::less<>> vars_;
};

class PromptTemplate;
/// Finds a template included with {{>name}}; nullptr when there is none.
using PartialLookup = std::function<const PromptTemplate*(std::string_view name)>;

/// A parsed template. Errors are ConfigErrors that name the template, the line and the tag.
class PromptTemplate {
 public:
  /// Parses `text`. `name` says where it came from ("plan.md (built in)", "my/plan.md") and
  /// prefixes every error. Throws on a malformed tag or a section that is not closed.
  static PromptTemplate Parse(std::string name, const std::string& text);

  /// Checks every tag, rendered or not, against `schema`: an unknown name, a list or flag used
  /// as text, or an unknown partial throws.
  void Check(const TemplateSchema& schema, const PartialLookup& partials) const;
  /// Throws when a tag names a value that `vars` does not have.
  std::string Render(const TemplateVars& vars, const PartialLookup& partials) const;

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }

  /// The parsed form (defined in the .cpp file).
  struct Node;
  const std::vector<Node>& nodes() const { return *nodes_; }

 private:
  std::string name_;
  std::string source_;
  std::shared_ptr<const std::vector<Node>> nodes_;
};

}  // namespace kopt
