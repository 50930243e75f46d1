// SPDX-License-Identifier: Apache-2.0
#include "evaluator/protocol.h"

#include <cerrno>
#include <cstdint>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace kopt {
namespace {

bool WriteAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd, data, n);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    n -= static_cast<std::size_t>(written);
  }
  return true;
}

// Reads exactly n bytes unless EOF, error or the deadline comes first.
ReadStatus ReadAll(int fd, char* data, std::size_t n,
                   std::chrono::steady_clock::time_point deadline) {
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadStatus::kTimeout;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::kError;
    }
    if (ready == 0) continue;  // the loop re-checks the deadline
    ssize_t got = ::read(fd, data, n);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ReadStatus::kError;
    }
    if (got == 0) return ReadStatus::kEof;
    data += got;
    n -= static_cast<std::size_t>(got);
  }
  return ReadStatus::kOk;
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

bool WriteFrame(int fd, std::string_view payload) {
  if (payload.size() > kMaxFrameBytes) return false;
  auto n = static_cast<std::uint32_t>(payload.size());
  char header[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                    static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  return WriteAll(fd, header, 4) && WriteAll(fd, payload.data(), payload.size());
}

ReadStatus ReadFrame(int fd, std::string* payload, std::chrono::steady_clock::time_point deadline) {
  unsigned char header[4];
  ReadStatus status = ReadAll(fd, reinterpret_cast<char*>(header), 4, deadline);
  if (status != ReadStatus::kOk) return status;
  std::size_t n = std::size_t{header[0]} | (std::size_t{header[1]} << 8) |
                  (std::size_t{header[2]} << 16) | (std::size_t{header[3]} << 24);
  if (n > kMaxFrameBytes) return ReadStatus::kError;
  payload->assign(n, '\0');
  return ReadAll(fd, payload->data(), n, deadline);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                      (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                      std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t v = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* pos = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!pos) throw std::invalid_argument("base64: bad character");
    v = (v << 6) | static_cast<std::uint32_t>(pos - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((v >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace kopt
