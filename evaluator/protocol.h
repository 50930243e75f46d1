// SPDX-License-Identifier: Apache-2.0
// The framed protocol between kopt and its GPU workers over pipes: each frame is a 4-byte
// little-endian length and that many bytes of JSON text. Binary payloads (cubins) travel as
// base64 inside the JSON.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace kopt {

inline constexpr std::size_t kMaxFrameBytes = std::size_t{1} << 30;

/// Writes one frame; returns false when the peer is gone (EPIPE) or the write fails.
bool WriteFrame(int fd, std::string_view payload);

enum class ReadStatus { kOk, kEof, kTimeout, kError };

/// Reads one frame before `deadline`. kEof: the peer closed the pipe, possibly mid-frame.
ReadStatus ReadFrame(int fd, std::string* payload, std::chrono::steady_clock::time_point deadline);

std::string Base64Encode(std::string_view bytes);
/// Throws std::invalid_argument on a character outside the alphabet.
std::string Base64Decode(std::string_view text);

}  // namespace kopt
