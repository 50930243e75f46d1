// SPDX-License-Identifier: Apache-2.0
#include "llm/http_client.h"

#include "core/error.h"
#include "core/text.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleHandles = 64;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) throw Error(std::string("libcurl: ") + curl_easy_strerror(rc));
  });
}

bool StartsWithNoCase(const std::string& s, const char* prefix) {
  std::size_t n = std::char_traits<char>::length(prefix);
  if (s.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

HttpResponse::Failure FailureOf(CURLcode rc, bool too_large) {
  switch (rc) {
    case CURLE_OK:
      return HttpResponse::Failure::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpResponse::Failure::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return HttpResponse::Failure::kConnect;
    case CURLE_WRITE_ERROR:
      return too_large ? HttpResponse::Failure::kTooLarge : HttpResponse::Failure::kOther;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return HttpResponse::Failure::kNetwork;
    default:
      return HttpResponse::Failure::kOther;
  }
}

}  // namespace

std::optional<double> ParseRetryAfter(const std::string& raw) {
  std::string value(Trim(raw));
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(value.c_str(), &end);
  if (end != value.c_str() && *end == '\0') {
    if (seconds < 0) return std::nullopt;
    return seconds;
  }
  std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

// One request in flight: owns everything curl points into until the transfer ends.
struct Transfer {
  HttpRequest request;
  std::promise<HttpResponse> promise;
  HttpResponse response;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  bool too_large = false;
  std::optional<double> retry_after_s;
  std::optional<double> retry_after_ms;
  Clock::time_point start;
};

struct HttpClient::Impl {
  CURLM* multi = nullptr;
  std::mutex mu;
  std::deque<std::unique_ptr<Transfer>> pending;  // guarded by mu
  bool stopping = false;                          // guarded by mu
  // Owned by the event thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::vector<CURL*> idle;
  std::thread thread;

  static std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t bytes = size * n;
    if (t->response.body.size() + bytes > t->request.max_response_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, bytes);
    return bytes;
  }

  static std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * n);
    if (StartsWithNoCase(line, "http/")) {  // a new header block (after 100 Continue, say)
      t->retry_after_s.reset();
      t->retry_after_ms.reset();
    } else if (StartsWithNoCase(line, "retry-after-ms:")) {
      if (auto v = ParseRetryAfter(line.substr(15))) t->retry_after_ms = *v;
    } else if (StartsWithNoCase(line, "retry-after:")) {
      t->retry_after_s = ParseRetryAfter(line.substr(12));
    }
    return size * n;
  }

  CURL* Setup(Transfer& t) {
    CURL* easy = nullptr;
    if (!idle.empty()) {
      easy = idle.back();
      idle.pop_back();
      curl_easy_reset(easy);
    } else {
      easy = curl_easy_init();
      KOPT_CHECK(easy != nullptr);
    }
    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers = curl_slist_append(t.headers, "Expect:");
    for (const auto& h : t.request.headers) t.headers = curl_slist_append(t.headers, h.c_str());
    curl_easy_setopt(easy, CURLOPT_URL, t.request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t.request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(t.request.body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "kopt");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max(1.0, t.request.connect_timeout_s * 1000)));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max(1.0, t.request.timeout_s * 1000)));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error);
    return easy;
  }

  void Finish(CURL* easy, CURLcode rc) {
    auto it = active.find(easy);
    KOPT_CHECK(it != active.end());
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    HttpResponse& r = t->response;
    r.failure = FailureOf(rc, t->too_large);
    if (r.failure != HttpResponse::Failure::kNone) {
      r.error = t->too_large ? "the response is larger than " +
                                   std::to_string(t->request.max_response_bytes) + " bytes"
                : t->error[0] ? std::string(t->error)
                              : std::string(curl_easy_strerror(rc));
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
    char* content_type = nullptr;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type) r.content_type = content_type;
    r.retry_after_s =
        t->retry_after_ms ? std::optional<double>(*t->retry_after_ms / 1000.0) : t->retry_after_s;
    r.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - t->start).count();
    curl_multi_remove_handle(multi, easy);
    curl_slist_free_all(t->headers);
    if (idle.size() < kMaxIdleHandles) {
      idle.push_back(easy);
    } else {
      curl_easy_cleanup(easy);
    }
    t->promise.set_value(std::move(r));
  }

  void Run() {
    for (;;) {
      std::deque<std::unique_ptr<Transfer>> fresh;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stopping) break;
        fresh.swap(pending);
      }
      for (auto& t : fresh) {
        CURL* easy = Setup(*t);
        t->start = Clock::now();
        CURLMcode mc = curl_multi_add_handle(multi, easy);
        if (mc != CURLM_OK) {
          t->response.failure = HttpResponse::Failure::kOther;
          t->response.error = curl_multi_strerror(mc);
          curl_slist_free_all(t->headers);
          curl_easy_cleanup(easy);
          t->promise.set_value(std::move(t->response));
          continue;
        }
        active.emplace(easy, std::move(t));
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg == CURLMSG_DONE) Finish(msg->easy_handle, msg->data.result);
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    // Shutting down: whatever is still queued or running ends now.
    std::deque<std::unique_ptr<Transfer>> left;
    {
      std::lock_guard<std::mutex> lock(mu);
      left.swap(pending);
    }
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->headers);
      left.push_back(std::move(t));
    }
    active.clear();
    for (auto& t : left) {
      t->response.failure = HttpResponse::Failure::kOther;
      t->response.error = "the HTTP client was shut down";
      t->promise.set_value(std::move(t->response));
    }
  }
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  GlobalInitOnce();
  impl_->multi = curl_multi_init();
  KOPT_CHECK(impl_->multi != nullptr);
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
}

HttpClient::~HttpClient() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  for (CURL* easy : impl_->idle) curl_easy_cleanup(easy);
  curl_multi_cleanup(impl_->multi);
}

std::future<HttpResponse> HttpClient::Submit(HttpRequest request) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  std::future<HttpResponse> result = t->promise.get_future();
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopping) {
      t->response.failure = HttpResponse::Failure::kOther;
      t->response.error = "the HTTP client was shut down";
      t->promise.set_value(std::move(t->response));
      return result;
    }
    impl_->pending.push_back(std::move(t));
  }
  curl_multi_wakeup(impl_->multi);
  return result;
}

}  // namespace kopt
