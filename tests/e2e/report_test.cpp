// SPDX-License-Identifier: Apache-2.0
// `kopt report` end to end: a store made by a real search (kopt_fake_gpu and the fake LLM
// server) whose plan tries to inject script and markup, rendered to one HTML file. The file is
// checked as text (everything escaped, the Content-Security-Policy, the sections), then in
// headless Chromium when it is installed (Debian's chromium; KOPT_CHROMIUM names another): the
// DOM after loading has the leaderboard row, the charts and the lineage, no script element, the
// injected text as text, and the browser logged nothing to its console. A control page that
// breaks the same policy must log, so a silent console means something. The screenshot is kept
// in the build folder (report_test.png).
#include "tests/support/e2e_text.h"
#include "tests/support/fake_llm_server_process.h"
#include "tests/support/run_kopt.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace kopt {
namespace {

using testing::CopyKernel;
using testing::Has;
using testing::ReadAll;

namespace fs = std::filesystem;
using testing::FakeLlmServer;
using testing::Output;
using testing::RunKopt;
using testing::RunProgram;

constexpr const char* kInjection =
    "Option: mem.coalescing\nPlan: coalesce. <script>document.title='pwned'</script>"
    "<img src=x onerror=\"document.title='pwned'\"></pre></li><b>bold?</b>";

std::string Chromium() {
  if (const char* env = std::getenv("KOPT_CHROMIUM")) return env;
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(path)) return path;
  }
  return "";
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() {
    char dir_template[] = "/tmp/kopt-report-XXXXXX";
    if (::mkdtemp(dir_template)) dir_ = dir_template;
  }
  ~ReportTest() override {
    if (!std::getenv("KOPT_KEEP_TEST_DIR")) fs::remove_all(dir_);
  }

  // A search whose plan carries the injection and whose code wins.
  void MakeStore() {
    nlohmann::json script = {
        {"responses",
         {{{"match", "In this step you plan one optimization"}, {"text", kInjection}, {"times", 0}},
          {{"match", "Write the new version of the kernel"},
           {"text", "```cuda\n" + CopyKernel("copy_fast", "// LAT=0.25") + "```\n"},
           {"times", 0}}}}};
    std::ofstream(dir_ / "script.json") << script.dump(2);
    FakeLlmServer server(KOPT_FAKE_LLM_SERVER, {"--script", (dir_ / "script.json").string()});
    Output out =
        RunProgram(KOPT_FAKE_GPU,
                   "--db " + db() + " optimize --suite " + std::string(KOPT_SOURCE_DIR) +
                       "/tests/data/suites/tiny --model openai:scripted@" + server.openai_url() +
                       " --beam 1 --plans 1 --impls 1 --iterations 1 --tune 0 --no-torch",
                   "2>&1");
    ASSERT_EQ(out.code, 0) << out.text;
  }

  // Chromium's DOM after load (--dump-dom) and its log (console messages included).
  struct Browser {
    std::string dom, log;
    int code = 0;
  };
  Browser Load(const std::string& chromium, const fs::path& page, const std::string& extra = "") {
    std::string flags =
        "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--enable-logging=stderr --v=0 --user-data-dir=" +
        (dir_ / ("profile" + std::to_string(++profiles_))).string() + " " + extra + " ";
    Output out = RunProgram(chromium, flags + "--dump-dom file://" + page.string(),
                            "2>" + (dir_ / "chromium.log").string());
    return {out.text, ReadAll(dir_ / "chromium.log"), out.code};
  }

  std::string db() const { return (dir_ / "kopt.db").string(); }
  fs::path dir_;
  int profiles_ = 0;
};

TEST_F(ReportTest, EveryStoredTextIsEscapedAndTheBrowserShowsTheReportWithoutErrors) {
  ASSERT_FALSE(dir_.empty());
  MakeStore();
  fs::path page = dir_ / "report.html";
  Output out = RunKopt("--db " + db() + " report --out " + page.string());
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_TRUE(Has(out.text, "report: " + page.string())) << out.text;
  std::string html = ReadAll(page);

  // As text: nothing the LLM wrote became markup.
  EXPECT_FALSE(std::regex_search(html, std::regex("<script", std::regex::icase))) << html;
  EXPECT_FALSE(Has(html, "<img")) << html;
  EXPECT_FALSE(Has(html, "<b>bold?</b>")) << html;
  EXPECT_TRUE(Has(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;")) << html;
  EXPECT_TRUE(Has(html, "Content-Security-Policy")) << html;
  EXPECT_TRUE(Has(html, "default-src &#39;none&#39;; style-src &#39;sha256-")) << html;
  EXPECT_TRUE(Has(html, "copy_chunked")) << html;
  EXPECT_TRUE(Has(html, "class=\"progress-kernels\"")) << html;
  EXPECT_TRUE(Has(html, "class=\"failure-mix\"")) << html;

  std::string chromium = Chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "Chromium is not installed (apt-get install chromium, or set KOPT_CHROMIUM): "
                    "the report was checked as text only";
  }
  // The control: a page that breaks the same kind of policy logs to the console.
  fs::path control = dir_ / "control.html";
  std::ofstream(control) << "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-"
                            "Policy\" content=\"default-src 'none'\"></head><body><p style=\""
                            "color:red\">x</p></body></html>";
  Browser bad = Load(chromium, control);
  ASSERT_TRUE(Has(bad.log, ":CONSOLE")) << "no console line for a policy violation:\n" << bad.log;

  Browser good = Load(chromium, page);
  ASSERT_EQ(good.code, 0) << good.log;
  EXPECT_FALSE(Has(good.log, ":CONSOLE")) << good.log;
  EXPECT_TRUE(Has(good.dom, "<title>kopt report</title>")) << "a script ran:\n" << good.dom;
  EXPECT_FALSE(std::regex_search(good.dom, std::regex("<script", std::regex::icase)));
  EXPECT_FALSE(Has(good.dom, "<img"));
  EXPECT_TRUE(Has(good.dom, "&lt;script&gt;")) << good.dom;
  EXPECT_TRUE(
      std::regex_search(good.dom, std::regex("<table class=\"leaderboard\">.*copy_chunked")))
      << good.dom;
  EXPECT_TRUE(Has(good.dom, "<svg")) << good.dom;
  EXPECT_TRUE(Has(good.dom, "<ol class=\"lineage\">")) << good.dom;

  fs::path shot = fs::path(KOPT_TEST_OUTPUT_DIR) / "report_test.png";
  fs::remove(shot);
  Load(chromium, page, "--window-size=1280,1600 --screenshot=" + shot.string());
  EXPECT_TRUE(fs::exists(shot) && fs::file_size(shot) > 10000) << shot;
}

}  // namespace
}  // namespace kopt
