// SPDX-License-Identifier: Apache-2.0
// The one check of a CUPTI call: a failure names the function from the call's own text, with
// CUPTI's words for the status, and keeps the status.
#include "evaluator/worker/cupti_status.h"

#include <gtest/gtest.h>

#include <cupti_profiler_host.h>

#include <string>

namespace kopt {
namespace {

CUptiResult Denied(int* /*params*/) { return CUPTI_ERROR_INSUFFICIENT_PRIVILEGES; }
CUptiResult Succeeds(int* /*params*/) { return CUPTI_SUCCESS; }

TEST(CuptiStatusTest, AFailedCallIsNamedFromItsOwnText) {
  int params = 0;
  try {
    KOPT_CUPTI(Denied(&params));
    FAIL() << "no exception";
  } catch (const CuptiFailure& e) {
    EXPECT_EQ(e.status(), CUPTI_ERROR_INSUFFICIENT_PRIVILEGES);
    EXPECT_EQ(std::string(e.what()).rfind("Denied returned CUPTI_ERROR_INSUFFICIENT_PRIVILEGES", 0),
              0u)
        << e.what();
  }
  EXPECT_NO_THROW(KOPT_CUPTI(Succeeds(&params)));
}

TEST(CuptiStatusTest, ARealCallWithBadParametersNamesTheCuptiFunction) {
  CUpti_Profiler_Host_GetSupportedChips_Params p{};  // no struct size: CUPTI refuses it
  try {
    KOPT_CUPTI(cuptiProfilerHostGetSupportedChips(&p));
    FAIL() << "no exception";
  } catch (const CuptiFailure& e) {
    EXPECT_NE(e.status(), CUPTI_SUCCESS);
    EXPECT_EQ(std::string(e.what()).rfind("cuptiProfilerHostGetSupportedChips returned CUPTI_", 0),
              0u)
        << e.what();
  }
}

}  // namespace
}  // namespace kopt
