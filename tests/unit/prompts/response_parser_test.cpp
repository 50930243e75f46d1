// SPDX-License-Identifier: Apache-2.0
#include "prompts/response_parser.h"

#include "tests/support/scale_task.h"

#include <gtest/gtest.h>

namespace kopt {
namespace {

using testing::ScaleTask;

const char* kKernel = R"cu(/*@kopt
{"launch": [{"kernel": "scale", "grid": ["cdiv(N, T)"], "block": ["T"], "args": ["X", "Y", "N"]}],
 "tunables": {"T": [256, 128]}}
@kopt*/
extern "C" __global__ void scale(const float* X, float* Y, int n) {
  int i = blockIdx.x * T + threadIdx.x;
  if (i < n) Y[i] = 2 * X[i];
}
)cu";

// Why the response holds no candidate ("" when it holds one).
std::string Why(const CodeResponse& r) { return r.ok() ? "" : r.candidate.error().message; }

CandidateErrorKind Kind(const CodeResponse& r) { return r.candidate.error().kind; }

std::string Fenced(const std::string& fence, const std::string& body) {
  return fence + "\n" + body + fence.substr(0, fence.find_first_not_of("`~")) + "\n";
}

Menu TestMenu() {
  return ParseMenu(R"({"schema_version": 1, "name": "t", "description": "d", "entries": [
    {"id": "mem.vectorized_loads", "title": "v", "text": "x", "op_classes": ["all"],
     "archs": ["all"], "bound": "memory"},
    {"id": "par.vectorized_loads", "title": "v", "text": "x", "op_classes": ["all"],
     "archs": ["all"], "bound": "memory"},
    {"id": "warp.shuffle_reduce", "title": "s", "text": "x", "op_classes": ["all"],
     "archs": ["all"], "bound": "any"},
    {"id": "invent", "title": "i", "text": "x", "op_classes": ["all"], "archs": ["all"],
     "bound": "any"}]})",
                   "t.json");
}

TEST(ResponseParserTest, TakesTheLastCodeBlockAndValidatesItsLaunchBlock) {
  Task task = ScaleTask();
  std::string response = "Here is a draft:\n" + Fenced("```cuda", "// draft\n") +
                         "And the final version:\n\n" + Fenced("```cuda", kKernel) +
                         "This should be faster.\n";
  CodeResponse r = ParseCodeResponse(response, task);
  ASSERT_TRUE(r.ok()) << Why(r);
  EXPECT_EQ(r.candidate.source(), kKernel);
  EXPECT_EQ(r.language, "cuda");
  EXPECT_EQ(r.blocks, 2u);
  ASSERT_EQ(r.candidate.value().launch.variants[0].launches.size(), 1u);
  EXPECT_EQ(r.candidate.value().launch.variants[0].launches[0].kernel, "scale");
  EXPECT_EQ(r.candidate.tunables(), (TunableChoice{{"T", 256}}));
}

TEST(ResponseParserTest, AcceptsCppBareAndTildeFencesAndSkipsOtherLanguages) {
  Task task = ScaleTask();
  for (const std::string fence :
       {"```cpp", "```c++", "```", "~~~cuda", "````cuda", "```CUDA title"}) {
    std::string response = Fenced(fence, kKernel) + "\n" + Fenced("```json", "{\"launch\": []}\n");
    CodeResponse r = ParseCodeResponse(response, task);
    EXPECT_TRUE(r.ok()) << fence << ": " << Why(r);
    EXPECT_EQ(r.candidate.source(), kKernel) << fence;
  }
  CodeResponse python = ParseCodeResponse(Fenced("```python", "print(1)\n"), task);
  EXPECT_EQ(Kind(python), CandidateErrorKind::kNoCode);
  EXPECT_EQ(Why(python),
            "the response has no fenced ```cuda code block (its fenced blocks are: python)");
}

TEST(ResponseParserTest, ReadsCrlfResponses) {
  Task task = ScaleTask();
  std::string crlf;
  for (char c : "Answer:\n```cuda\n" + std::string(kKernel) + "```\n") {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  CodeResponse r = ParseCodeResponse(crlf, task);
  ASSERT_TRUE(r.ok()) << Why(r);
  EXPECT_EQ(r.candidate.source(), kKernel);
  EXPECT_EQ(r.candidate.source().find('\r'), std::string::npos);
}

TEST(ResponseParserTest, AnInnerFenceOfAnotherLengthOrCharacterDoesNotClose) {
  Task task = ScaleTask();
  std::string body = std::string(kKernel) + "// an example in a comment:\n// ```\n~~~\n";
  // "// ```" is not a fence (text before it); "~~~" cannot close a ```` block.
  CodeResponse r = ParseCodeResponse("````cuda\n" + body + "````\n", task);
  ASSERT_TRUE(r.ok()) << Why(r);
  EXPECT_EQ(r.candidate.source(), body);
}

TEST(ResponseParserTest, IndentedFencesAreDedented) {
  Task task = ScaleTask();
  std::string indented;
  std::string text = std::string(kKernel);
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    indented += "   " + text.substr(pos, end - pos + 1);
    pos = end + 1;
  }
  CodeResponse r = ParseCodeResponse("1. The kernel:\n   ```cuda\n" + indented + "   ```\n", task);
  ASSERT_TRUE(r.ok()) << Why(r);
  EXPECT_EQ(r.candidate.source(), kKernel);
}

TEST(ResponseParserTest, AStrayFenceAtTheEndIsIgnored) {
  Task task = ScaleTask();
  CodeResponse r = ParseCodeResponse(Fenced("```cuda", kKernel) + "```\n", task);
  ASSERT_TRUE(r.ok()) << Why(r);
  EXPECT_EQ(r.candidate.source(), kKernel);
}

TEST(ResponseParserTest, StoresAReasonInsteadOfThrowing) {
  Task task = ScaleTask();
  CodeResponse none = ParseCodeResponse("I would use float4 loads.", task);
  EXPECT_EQ(Kind(none), CandidateErrorKind::kNoCode);
  EXPECT_EQ(Why(none), "the response has no fenced ```cuda code block");
  EXPECT_EQ(CandidateErrorKindName(Kind(none)), "no_code");

  CodeResponse cut =
      ParseCodeResponse("Sure.\n```cuda\n" + std::string(kKernel).substr(0, 80), task);
  EXPECT_EQ(Kind(cut), CandidateErrorKind::kCutOff);
  EXPECT_EQ(Why(cut), "the answer was cut off: its last code block (line 2) is never closed");
  EXPECT_EQ(cut.candidate.source(), std::string(kKernel).substr(0, 80) + "\n");  // for the repair

  CodeResponse empty = ParseCodeResponse(Fenced("```cuda", kKernel) + "```cuda\n  \n```\n", task);
  EXPECT_EQ(Kind(empty), CandidateErrorKind::kNoCode);
  EXPECT_NE(Why(empty).find(") is empty"), std::string::npos) << Why(empty);

  CodeResponse no_block = ParseCodeResponse(
      Fenced("```cuda", "extern \"C\" __global__ void scale(const float* X, float* Y, int n) {}\n"),
      task);
  EXPECT_EQ(Kind(no_block), CandidateErrorKind::kLaunchBlock);
  EXPECT_NE(Why(no_block).find("candidate.cu: launch block: missing"), std::string::npos)
      << Why(no_block);
  EXPECT_FALSE(no_block.candidate.source().empty());  // kept for the repair prompt
  EXPECT_EQ(no_block.candidate.key(), CandidateKey(no_block.candidate.source(), {}));

  std::string unknown = kKernel;
  unknown.replace(unknown.find("\"N\"]"), 4, "\"M\"]");
  CodeResponse bad_name = ParseCodeResponse(Fenced("```cuda", unknown), task);
  EXPECT_EQ(Kind(bad_name), CandidateErrorKind::kLaunchBlock);
  EXPECT_NE(Why(bad_name).find("unknown name 'M'"), std::string::npos) << Why(bad_name);

  // Checked on the ragged size too: a grid that is zero there is caught.
  std::string zero_grid = kKernel;
  zero_grid.replace(zero_grid.find("cdiv(N, T)"), 10, "N / 4096");
  CodeResponse ragged = ParseCodeResponse(Fenced("```cuda", zero_grid), task);
  EXPECT_EQ(Kind(ragged), CandidateErrorKind::kLaunchBlock);
  EXPECT_NE(Why(ragged).find("must be positive"), std::string::npos) << Why(ragged);
}

TEST(ResponseParserTest, FindsFencedBlocksWithLines) {
  std::vector<FencedBlock> blocks = FindFencedBlocks("a\n```cuda\nx\n```\nb\n~~~\ny\n");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].language, "cuda");
  EXPECT_EQ(blocks[0].body, "x\n");
  EXPECT_TRUE(blocks[0].closed);
  EXPECT_EQ(blocks[0].first_line, 2);
  EXPECT_EQ(blocks[0].last_line, 4);
  EXPECT_EQ(blocks[1].language, "");
  EXPECT_FALSE(blocks[1].closed);
  EXPECT_EQ(blocks[1].body, "y\n");
  // Inline triple backticks are not fences.
  EXPECT_TRUE(FindFencedBlocks("use ```cuda``` blocks\n```x```\n").empty());
}

TEST(ResponseParserTest, ReadsThePlansOptionAndText) {
  Menu menu = TestMenu();
  PlanResponse r = ParsePlanResponse(
      "Option: mem.vectorized_loads\nPlan: load float4 per thread.\nKeep a scalar tail.\n", menu);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.option_id, "mem.vectorized_loads");
  EXPECT_EQ(r.named, "mem.vectorized_loads");
  EXPECT_EQ(r.plan, "load float4 per thread.\nKeep a scalar tail.");

  for (const std::string line :
       {"**Option:** `warp.shuffle_reduce`", "Option: warp.shuffle_reduce.",
        "## Option: Warp.Shuffle_Reduce (warp shuffles)", "- option id: \"warp.shuffle_reduce\"",
        "Chosen option: [warp.shuffle_reduce]", "**Option**: warp.shuffle_reduce — shuffles"}) {
    PlanResponse p = ParsePlanResponse(line + "\r\n\r\n**Plan:** reduce with shuffles.\r\n", menu);
    EXPECT_EQ(p.option_id, "warp.shuffle_reduce") << line;
    EXPECT_EQ(p.plan, "reduce with shuffles.") << line;
  }
}

TEST(ResponseParserTest, UnknownOrMissingOptionsCountAsInvent) {
  Menu menu = TestMenu();
  PlanResponse unknown = ParsePlanResponse("Option: mem.tma_tensor\nUse TMA.", menu);
  EXPECT_EQ(unknown.option_id, "invent");
  EXPECT_EQ(unknown.named, "mem.tma_tensor");
  EXPECT_EQ(unknown.plan, "Use TMA.");

  PlanResponse missing = ParsePlanResponse("I would fuse the two passes.", menu);
  EXPECT_EQ(missing.option_id, "invent");
  EXPECT_EQ(missing.plan, "I would fuse the two passes.");

  PlanResponse invent = ParsePlanResponse("Option: invent\nPlan: a new idea", menu);
  EXPECT_EQ(invent.option_id, "invent");

  // The last part of an id is enough when it is unique, not when two ids share it.
  PlanResponse suffix = ParsePlanResponse("Option: shuffle_reduce\nx", menu);
  EXPECT_EQ(suffix.option_id, "warp.shuffle_reduce");
  EXPECT_EQ(ParsePlanResponse("Option: vectorized_loads\nx", menu).option_id, "invent");

  PlanResponse empty = ParsePlanResponse("Option: warp.shuffle_reduce\n\n", menu);
  EXPECT_FALSE(empty.ok());
  EXPECT_EQ(empty.reason, "the answer holds no plan text");
}

TEST(ResponseParserTest, AnOptionLineInsideACodeBlockIsPlanText) {
  Menu menu = TestMenu();
  std::string response =
      "Thinking about it, the loads are scalar.\n"
      "```text\nOption: par.vectorized_loads\n```\n"
      "Option: mem.vectorized_loads\n"
      "Plan:\n"
      "```cuda\nfloat4 v = reinterpret_cast<const float4*>(X)[i];\n```\n"
      "Option: warp.shuffle_reduce would be next.\n";
  PlanResponse r = ParsePlanResponse(response, menu);
  EXPECT_EQ(r.option_id, "mem.vectorized_loads");
  EXPECT_NE(r.plan.find("```cuda\nfloat4 v"), std::string::npos) << r.plan;
  EXPECT_NE(r.plan.find("```text\nOption: par.vectorized_loads\n```"), std::string::npos);
  EXPECT_NE(r.plan.find("Option: warp.shuffle_reduce would be next."), std::string::npos);
  EXPECT_EQ(r.plan.find("Option: mem.vectorized_loads"), std::string::npos);
}

}  // namespace
}  // namespace kopt
