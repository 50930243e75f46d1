// SPDX-License-Identifier: Apache-2.0
// The cache of measured device peaks: real files in a temporary folder.
#include "evaluator/worker/peak_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace kopt {
namespace {

namespace fs = std::filesystem;

class PeakCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kopt_peak_cache_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    device_.name = "NVIDIA H100 80GB HBM3";
    device_.uuid = "GPU-01234567-89ab-cdef-0123-456789abcdef";
    device_.driver_version = 13000;
    peaks_.device = device_.name;
    peaks_.uuid = device_.uuid;
    peaks_.driver_version = device_.driver_version;
    peaks_.dram_gbps = 3010;
    peaks_.fp32_tflops = 59.5;
    peaks_.bf16_tflops = 690;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  DeviceInfo device_;
  DevicePeaks peaks_;
};

TEST_F(PeakCacheTest, StoredPeaksLoadForTheSameDeviceAndDriver) {
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), device_));
  ASSERT_TRUE(StoreCachedPeaks(dir_.string(), device_, peaks_));
  std::string path = PeakCachePath(dir_.string(), device_);
  EXPECT_EQ(fs::path(path).parent_path(), dir_ / "peaks");
  EXPECT_NE(path.find(device_.uuid), std::string::npos);
  EXPECT_NE(path.find("driver13000"), std::string::npos);
  auto back = LoadCachedPeaks(dir_.string(), device_);
  ASSERT_TRUE(back);
  EXPECT_EQ(ToJson(*back), ToJson(peaks_));
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "peaks"), fs::directory_iterator()), 1);
}

TEST_F(PeakCacheTest, ANewDriverOrAnotherDeviceMeasuresAgain) {
  ASSERT_TRUE(StoreCachedPeaks(dir_.string(), device_, peaks_));
  DeviceInfo newer = device_;
  newer.driver_version = 13010;
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), newer));
  DeviceInfo other = device_;
  other.uuid = "GPU-ffffffff-89ab-cdef-0123-456789abcdef";
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), other));
  // A file under the right name whose contents describe another device does not count either.
  DevicePeaks wrong = peaks_;
  wrong.device = "NVIDIA H200";
  ASSERT_TRUE(StoreCachedPeaks(dir_.string(), device_, wrong));
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), device_));
}

TEST_F(PeakCacheTest, BrokenOrOldFilesAreIgnored) {
  fs::create_directories(dir_ / "peaks");
  std::string path = PeakCachePath(dir_.string(), device_);
  std::ofstream(path) << "{ not json";
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), device_));
  nlohmann::json old = ToJson(peaks_);
  old["schema_version"] = 0;
  std::ofstream(path, std::ios::trunc) << old.dump();
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), device_));
  DevicePeaks empty = peaks_;
  empty.dram_gbps = 0;
  std::ofstream(path, std::ios::trunc) << ToJson(empty).dump();
  EXPECT_FALSE(LoadCachedPeaks(dir_.string(), device_));
}

TEST_F(PeakCacheTest, DevicesWithoutUuidAreKeyedByAFileSafeName) {
  device_.uuid = "";
  std::string name = fs::path(PeakCachePath(dir_.string(), device_)).filename().string();
  EXPECT_EQ(name, "NVIDIA_H100_80GB_HBM3-driver13000.json");
  EXPECT_FALSE(StoreCachedPeaks("", device_, peaks_));
  EXPECT_FALSE(LoadCachedPeaks("", device_));
}

}  // namespace
}  // namespace kopt
