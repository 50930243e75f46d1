// SPDX-License-Identifier: Apache-2.0
#include "evaluator/protocol.h"

#include <gtest/gtest.h>

#include <thread>
#include <unistd.h>

namespace kopt {
namespace {

auto Soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~Pipe() {
    CloseWrite();
    ::close(fds_[0]);
  }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void CloseWrite() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2];
};

TEST(ProtocolTest, FramesRoundTripIncludingEmptyAndLarge) {
  Pipe p;
  std::string big(3 << 20, 'x');
  std::thread writer([&] {
    EXPECT_TRUE(WriteFrame(p.write_end(), "hello"));
    EXPECT_TRUE(WriteFrame(p.write_end(), ""));
    EXPECT_TRUE(WriteFrame(p.write_end(), big));
  });
  std::string got;
  ASSERT_EQ(ReadFrame(p.read_end(), &got, Soon()), ReadStatus::kOk);
  EXPECT_EQ(got, "hello");
  ASSERT_EQ(ReadFrame(p.read_end(), &got, Soon()), ReadStatus::kOk);
  EXPECT_EQ(got, "");
  ASSERT_EQ(ReadFrame(p.read_end(), &got, Soon()), ReadStatus::kOk);
  EXPECT_EQ(got, big);
  writer.join();
}

TEST(ProtocolTest, TruncatedFrameIsEof) {
  Pipe p;
  const char partial[] = {10, 0, 0, 0, 'a', 'b'};
  ASSERT_EQ(::write(p.write_end(), partial, sizeof partial), 6);
  p.CloseWrite();
  std::string got;
  EXPECT_EQ(ReadFrame(p.read_end(), &got, Soon()), ReadStatus::kEof);
}

TEST(ProtocolTest, SilentPeerTimesOut) {
  Pipe p;
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  EXPECT_EQ(ReadFrame(p.read_end(), &got, deadline), ReadStatus::kTimeout);
}

TEST(ProtocolTest, OversizedLengthIsAnError) {
  Pipe p;
  const unsigned char header[] = {0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(::write(p.write_end(), header, 4), 4);
  std::string got;
  EXPECT_EQ(ReadFrame(p.read_end(), &got, Soon()), ReadStatus::kError);
}

TEST(ProtocolTest, Base64RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_THROW(Base64Decode("a$b"), std::invalid_argument);
}

}  // namespace
}  // namespace kopt
