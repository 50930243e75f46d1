// SPDX-License-Identifier: Apache-2.0
// The report's parts: the line diff and its hunks, escaping in text and in the charts' SVG, the
// policy's stylesheet hash, and a whole page rendered from handmade values that try to inject.
#include "report/html_report.h"
#include "report/html_text.h"
#include "report/line_diff.h"
#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include <regex>

namespace kopt {
namespace {

std::string Ops(const std::vector<DiffLine>& diff) {
  std::string ops;
  for (const auto& d : diff) ops += d.op;
  return ops;
}

TEST(LineDiffTest, KeptRemovedAndAddedLinesInOrder) {
  std::vector<DiffLine> d = DiffLines("a\nb\nc\nd\n", "a\nx\nc\nd\ne\n");
  EXPECT_EQ(Ops(d), " -+  +");
  EXPECT_EQ(d[1].text, "b");
  EXPECT_EQ(d[2].text, "x");
  EXPECT_EQ(Ops(DiffLines("same\n", "same\n")), " ");
  EXPECT_EQ(Ops(DiffLines("", "new\n")), "+");
  // Over the size bound: all old lines out, all new in.
  EXPECT_EQ(Ops(DiffLines("a\nb\n", "a\nb\n", 1)), "--++");
}

TEST(LineDiffTest, HunksKeepContextAndMarkWhatTheySkip) {
  std::string before, after;
  for (int i = 0; i < 20; ++i) before += "l" + std::to_string(i) + "\n";
  after = before;
  after.replace(after.find("l10\n"), 4, "changed\n");
  std::vector<DiffLine> hunks = DiffHunks(DiffLines(before, after), 1);
  ASSERT_EQ(hunks.size(), 6u);  // ..., l9, -l10, +changed, l11, ...
  EXPECT_EQ(hunks[0].text, "...");
  EXPECT_EQ(hunks[1].text, "l9");
  EXPECT_EQ(Ops(hunks), "  -+  ");
  EXPECT_EQ(hunks[5].text, "...");
}

TEST(HtmlTextTest, EscapesEveryCharacterThatCouldOpenMarkup) {
  EXPECT_EQ(Escape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(SvgChartTest, LabelsAndTitlesAreEscaped) {
  std::string bars =
      BarChart({{"<script>x</script>", 2, "<b>2</b>", "\"><x"}}, 0, {"t<i>", "", "", "c\"><y"});
  std::string steps = StepChart({{1, 2}, {2, 1}}, {"<t>", "<x>", "<y>", "steps"});
  for (const std::string& svg : {bars, steps}) {
    EXPECT_EQ(svg.find("<script"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("<b>"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("<i>"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("<x"), std::string::npos) << svg;  // the hostile class and label
    EXPECT_EQ(svg.find("<y"), std::string::npos) << svg;
  }
  EXPECT_NE(bars.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos) << bars;
  EXPECT_NE(bars.find("class=\"c&quot;&gt;&lt;y\""), std::string::npos) << bars;
  EXPECT_NE(steps.find("<path class=\"line\""), std::string::npos) << steps;
  // No points: a frame, no line.
  EXPECT_EQ(StepChart({}, {"t", "x", "y", "c"}).find("class=\"line\""), std::string::npos);
}

TEST(HtmlReportTest, ThePolicyAllowsItsStylesheetByHashAndNothingElse) {
  // SHA-256 of the empty string, in base64.
  EXPECT_EQ(ReportContentSecurityPolicy(""),
            "default-src 'none'; style-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; "
            "img-src data:; base-uri 'none'; form-action 'none'");
}

TEST(HtmlReportTest, AWholePageOfHostileTextsHasNoMarkupFromThem) {
  const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  ReportData data;
  data.db_path = evil;
  data.filter.suite = evil;
  LeaderboardEntry e;
  e.task = evil;
  e.suite = evil;
  e.device = evil;
  e.task_hash = std::string(64, 'a');
  LeaderboardBest best;
  best.proposer = evil;
  best.event_ms.median = 0.5;
  best.launch_variant = "variant 0 of 2 (" + evil + ")";
  e.best = best;
  data.board.entries.push_back(e);
  TaskSection t;
  t.entry = e;
  t.statuses[evil] = 1;
  t.progress = {{1, 1.0, 0.5}, {2, 0.5, 1.0}};
  LineageStep step;
  step.option = evil;
  step.proposer = evil;
  step.plan = evil;
  step.diff = {{'+', evil}};
  t.lineage.push_back(step);
  t.roofline.push_back({1, evil, 0.5, 0.7, evil});
  data.tasks.push_back(t);
  RunSection run;
  run.summary.run.status = evil;
  run.summary.run.info.device = evil;
  data.runs.push_back(run);

  std::string html = RenderReport(data);
  EXPECT_FALSE(std::regex_search(html, std::regex("<script", std::regex::icase)));
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("class=\"progress-dollars\""), std::string::npos);  // dollars were spent
  EXPECT_NE(html.find("class=\"roofline\""), std::string::npos);
  EXPECT_NE(html.find("ran its launch variant 0 of 2 (&lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace kopt
