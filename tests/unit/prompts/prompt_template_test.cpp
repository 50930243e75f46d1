// SPDX-License-Identifier: Apache-2.0
#include "prompts/prompt_template.h"

#include "core/error.h"

#include <gtest/gtest.h>

#include <map>

namespace kopt {
namespace {

std::string Render(const std::string& text, const TemplateVars& vars,
                   const std::map<std::string, PromptTemplate>* partials = nullptr) {
  PromptTemplate t = PromptTemplate::Parse("t.md", text);
  return t.Render(vars, [&](std::string_view name) -> const PromptTemplate* {
    if (!partials) return nullptr;
    auto it = partials->find(std::string(name));
    return it == partials->end() ? nullptr : &it->second;
  });
}

std::string Error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PromptTemplateTest, InsertsTextVerbatim) {
  TemplateVars v;
  v.Set("name", "gemm").Set("code", "float a[2][2] = {{1, 2}, {3, 4}}; // {{name}}");
  EXPECT_EQ(Render("Task {{name}}: {{ code }}.", v),
            "Task gemm: float a[2][2] = {{1, 2}, {3, 4}}; // {{name}}.");
  EXPECT_EQ(Render("no tags at all\n", v), "no tags at all\n");
  EXPECT_EQ(Render("}} and { alone", v), "}} and { alone");
}

TEST(PromptTemplateTest, SectionsFollowFlagsTextsAndLists) {
  TemplateVars v;
  v.SetFlag("on", true).SetFlag("off", false).Set("empty", "").Set("full", "x");
  v.SetList("items", {TemplateVars().Set("id", "a"), TemplateVars().Set("id", "b")});
  v.SetList("none", {});
  EXPECT_EQ(Render("{{#on}}1{{/on}}{{#off}}2{{/off}}{{^off}}3{{/off}}{{^on}}4{{/on}}", v), "13");
  EXPECT_EQ(
      Render("{{#empty}}E{{/empty}}{{^empty}}not measured{{/empty}}{{#full}}[{{full}}]{{/full}}",
             v),
      "not measured[x]");
  EXPECT_EQ(Render("{{#items}}<{{id}}{{#on}}!{{/on}}>{{/items}}", v), "<a!><b!>");
  EXPECT_EQ(Render("{{#none}}x{{/none}}{{^none}}nothing{{/none}}{{^items}}no{{/items}}", v),
            "nothing");
}

TEST(PromptTemplateTest, ItemFieldsShadowOuterNames) {
  TemplateVars v;
  v.Set("id", "outer").SetList("items", {TemplateVars().Set("id", "inner")});
  EXPECT_EQ(Render("{{id}} {{#items}}{{id}}{{/items}} {{id}}", v), "outer inner outer");
}

TEST(PromptTemplateTest, StandaloneTagLinesVanish) {
  TemplateVars v;
  v.SetFlag("on", true)
      .SetFlag("off", false)
      .SetList("items", {TemplateVars().Set("id", "a"), TemplateVars().Set("id", "b")});
  std::string text =
      "top\n"
      "{{! a comment\n   over two lines }}\n"
      "  {{#on}}  \n"
      "inside\n"
      "{{/on}}\n"
      "{{#off}}\n"
      "hidden\n"
      "{{/off}}\n"
      "{{#items}}\n"
      "- {{id}}\n"
      "{{/items}}\n"
      "end {{#on}}inline{{/on}} tag\n"
      "last";
  EXPECT_EQ(Render(text, v), "top\ninside\n- a\n- b\nend inline tag\nlast");
  // A tag that shares its line with text or another tag keeps the line.
  EXPECT_EQ(Render("a {{#on}}\nb\n{{/on}}{{#on}}c{{/on}}\n", v), "a \nb\nc\n");
  EXPECT_EQ(Render("{{#on}}\r\nx\r\n{{/on}}\r\n", v), "x\r\n");
}

TEST(PromptTemplateTest, PartialsRenderInTheCurrentScope) {
  std::map<std::string, PromptTemplate> partials;
  partials.emplace("row", PromptTemplate::Parse("row.md", "[{{id}} of {{task}}]"));
  partials.emplace("loop", PromptTemplate::Parse("loop.md", "{{>loop}}"));
  TemplateVars v;
  v.Set("task", "gemm").SetList("items", {TemplateVars().Set("id", "a")});
  EXPECT_EQ(Render("{{#items}}\n{{>row}}\n{{/items}}\n", v, &partials), "[a of gemm]");
  EXPECT_NE(Error([&] { Render("{{>loop}}", v, &partials); }).find("too deeply"),
            std::string::npos);
  EXPECT_EQ(Error([&] { Render("x\n{{>missing}}", v, &partials); }),
            "prompt template t.md: line 2: no template 'missing' to include");
}

TEST(PromptTemplateTest, ErrorsNameTheTemplateLineAndVariable) {
  TemplateVars v;
  v.Set("a", "1").SetFlag("f", true).SetList("l", {});
  EXPECT_EQ(Error([&] { Render("line one\n{{a}} {{b}}", v); }),
            "prompt template t.md: line 2: no value for variable 'b'");
  EXPECT_EQ(Error([&] { Render("{{#nope}}x{{/nope}}", v); }),
            "prompt template t.md: line 1: no value for variable 'nope'");
  EXPECT_NE(Error([&] { Render("{{f}}", v); }).find("'f' is a flag or a list"), std::string::npos);
  EXPECT_NE(Error([&] { Render("{{l}}", v); }).find("'l' is a flag or a list"), std::string::npos);
  EXPECT_EQ(Error([] { PromptTemplate::Parse("p.md", "a\n\n{{#sec}}\nno end"); }),
            "prompt template p.md: line 3: section 'sec' is never closed (add {{/sec}})");
  EXPECT_EQ(Error([] { PromptTemplate::Parse("p.md", "{{#a}}{{#b}}{{/a}}{{/b}}"); }),
            "prompt template p.md: line 1: {{/a}} closes 'b' (opened on line 1)");
  EXPECT_EQ(Error([] { PromptTemplate::Parse("p.md", "{{/a}}"); }),
            "prompt template p.md: line 1: {{/a}} closes no section");
  EXPECT_NE(Error([] { PromptTemplate::Parse("p.md", "x {{a"); }).find("without a closing"),
            std::string::npos);
  EXPECT_NE(Error([] { PromptTemplate::Parse("p.md", "{{a b}}"); }).find("is not a tag"),
            std::string::npos);
  EXPECT_NE(Error([] { PromptTemplate::Parse("p.md", "{{}}"); }).find("is not a tag"),
            std::string::npos);
  EXPECT_NE(Error([] { PromptTemplate::Parse("p.md", "{{{a}}}"); }).find("is not a tag"),
            std::string::npos);
}

TEST(PromptTemplateTest, CheckFindsUnknownNamesInEveryBranch) {
  TemplateSchema schema;
  schema.Text({"task"}).Flag({"on"}).List("options", TemplateSchema().Text({"id"}));
  std::map<std::string, PromptTemplate> partials;
  partials.emplace("rules", PromptTemplate::Parse("rules.md", "{{#on}}{{typo}}{{/on}}"));
  PartialLookup lookup = [&](std::string_view name) -> const PromptTemplate* {
    auto it = partials.find(std::string(name));
    return it == partials.end() ? nullptr : &it->second;
  };
  auto check = [&](const std::string& text) {
    return Error([&] { PromptTemplate::Parse("plan.md", text).Check(schema, lookup); });
  };
  EXPECT_EQ(check("{{task}}{{#on}}x{{/on}}{{^on}}y{{/on}}{{#options}}{{id}}{{task}}{{/options}}"),
            "");
  // An unrendered branch is checked too, and the message lists what the prompt has.
  EXPECT_EQ(check("{{^on}}\n{{tsak}}\n{{/on}}"),
            "prompt template plan.md: line 2: unknown variable 'tsak' (this prompt has: on, "
            "options, task)");
  EXPECT_NE(check("{{id}}").find("unknown variable 'id'"), std::string::npos);  // item field only
  EXPECT_NE(check("{{options}}").find("'options' is a flag or a list"), std::string::npos);
  EXPECT_NE(check("{{#options}}{{nope}}{{/options}}")
                .find("unknown variable 'nope' (this prompt has: id; on, options, task)"),
            std::string::npos);
  EXPECT_EQ(check("{{>rules}}"),
            "prompt template rules.md: line 1: unknown variable 'typo' "
            "(this prompt has: on, options, task)");
  EXPECT_NE(check("{{>nothing}}").find("no template 'nothing'"), std::string::npos);
}

TEST(PromptTemplateTest, SettingANameAgainReplacesItsKind) {
  TemplateVars v;
  v.Set("x", "text");
  v.SetFlag("x", false);
  EXPECT_EQ(v.FindText("x"), nullptr);
  EXPECT_EQ(Render("{{^x}}off{{/x}}", v), "off");
}

}  // namespace
}  // namespace kopt
