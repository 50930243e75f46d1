// SPDX-License-Identifier: Apache-2.0
// The profiler's metric sets checked through CUPTI's host API, which needs no GPU: every name
// exists on GH100 (H100/H200), the default set fits one pass, and an unknown name is a clear
// error.
#include "evaluator/worker/cupti_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kopt {
namespace {

// CUPTI's host API dlopens libnvperf_host.so with RTLD_DEEPBIND, which AddressSanitizer's runtime
// refuses to load (google/sanitizers#611). The sanitized build (scripts/test_sanitized.sh) skips
// the tests that call it; the normal build (scripts/test.sh) runs them.
#if defined(__SANITIZE_ADDRESS__)
#define KOPT_SKIP_WITHOUT_CUPTI_HOST_API() \
  GTEST_SKIP() << "CUPTI's host API cannot load under AddressSanitizer (RTLD_DEEPBIND)"
#else
#define KOPT_SKIP_WITHOUT_CUPTI_HOST_API() (void)0
#endif

TEST(CuptiMetricsTest, HostApiKnowsTheHopperChip) {
  KOPT_SKIP_WITHOUT_CUPTI_HOST_API();
  std::vector<std::string> chips = SupportedChips();
  EXPECT_NE(std::find(chips.begin(), chips.end(), "GH100"), chips.end());
}

TEST(CuptiMetricsTest, DefaultMetricsFitOnePassOnGh100) {
  KOPT_SKIP_WITHOUT_CUPTI_HOST_API();
  MetricPlan plan = PlanMetrics("GH100", ProfileMetrics(ProfileLevel::kDefault));
  EXPECT_EQ(plan.passes, 1);
  EXPECT_EQ(plan.metrics.size(), 4u);
}

TEST(CuptiMetricsTest, DeepMetricsAllExistOnGh100) {
  KOPT_SKIP_WITHOUT_CUPTI_HOST_API();
  MetricPlan plan = PlanMetrics("GH100", ProfileMetrics(ProfileLevel::kDeep));
  EXPECT_GT(plan.passes, 1);
  EXPECT_LE(plan.passes, 16);
  std::printf("deep set: %zu metrics in %d passes on GH100\n", plan.metrics.size(), plan.passes);
}

TEST(CuptiMetricsTest, UnknownMetricIsAConfigErrorNamingItAndTheChip) {
  KOPT_SKIP_WITHOUT_CUPTI_HOST_API();
  std::vector<std::string> metrics = MetricList(ProfileLevel::kDefault, {"bogus__metric.sum"});
  try {
    PlanMetrics("GH100", metrics);
    FAIL() << "no error for an unknown metric";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("'bogus__metric.sum'"), std::string::npos) << what;
    EXPECT_NE(what.find("GH100"), std::string::npos) << what;
    EXPECT_NE(what.find("CUPTI_ERROR_INVALID_METRIC_NAME"), std::string::npos) << what;
  }
  // Nsight Compute's launch__ metrics are not CUPTI metrics (registers come from the function
  // attributes instead).
  EXPECT_THROW(PlanMetrics("GH100", {"launch__registers_per_thread"}), ConfigError);
}

TEST(CuptiMetricsTest, MetricListAppendsExtrasOnce) {
  std::vector<std::string> metrics =
      MetricList(ProfileLevel::kDefault, {metric::kL2HitPct, metric::kDramPct, metric::kL2HitPct});
  ASSERT_EQ(metrics.size(), 5u);
  EXPECT_EQ(metrics.back(), metric::kL2HitPct);
  EXPECT_EQ(MetricList(ProfileLevel::kNone, {"x"}), std::vector<std::string>{"x"});
}

TEST(CuptiMetricsTest, BaseMetricsListTheChipsCounters) {
  KOPT_SKIP_WITHOUT_CUPTI_HOST_API();
  std::vector<std::string> metrics = BaseMetrics("GH100");
  EXPECT_GT(metrics.size(), 100u);
  EXPECT_TRUE(std::is_sorted(metrics.begin(), metrics.end()));
  EXPECT_TRUE(std::binary_search(metrics.begin(), metrics.end(), "dram__throughput"));
  EXPECT_THROW(BaseMetrics("NOT_A_CHIP"), CudaError);
}

}  // namespace
}  // namespace kopt
