// SPDX-License-Identifier: Apache-2.0
// HTTP POSTs over libcurl's multi interface: one event thread drives every transfer of a client,
// so hundreds of requests can be in flight on few threads and share a connection cache. The
// caller gets a future (or blocks in Perform); failures are values, never exceptions.
#pragma once

#include <cstddef>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kopt {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may carry a key, so never logged
  std::string body;                  // sent as a POST body
  double connect_timeout_s = 10;
  double timeout_s = 600;  // the whole transfer
  std::size_t max_response_bytes = 16u << 20;
};

struct HttpResponse {
  enum class Failure {
    kNone,      // an HTTP answer came back (any status)
    kTimeout,   // connect or total timeout
    kConnect,   // could not connect or resolve
    kNetwork,   // reset, dropped, or closed mid-answer
    kTooLarge,  // the body passed max_response_bytes; the transfer was aborted
    kOther,     // anything else curl reports (bad URL, TLS verification, shutdown)
  };
  Failure failure = Failure::kNone;
  std::string error;  // curl's description when failure != kNone
  long status = 0;
  std::string content_type;
  std::optional<double> retry_after_s;  // from Retry-After / retry-after-ms
  std::string body;
  double elapsed_ms = 0;
};

class HttpClient {
 public:
  HttpClient();
  /// Aborts transfers still running; their results say "the HTTP client was shut down".
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Starts the transfer on the event thread. Safe to call from any thread.
  std::future<HttpResponse> Submit(HttpRequest request);
  /// Submit and wait.
  HttpResponse Perform(HttpRequest request) { return Submit(std::move(request)).get(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Seconds from a Retry-After value: a number of seconds, or an HTTP date (relative to now).
std::optional<double> ParseRetryAfter(const std::string& value);

}  // namespace kopt
