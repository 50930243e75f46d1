// SPDX-License-Identifier: Apache-2.0
// A fake LLM server for tests: OpenAI chat completions and Anthropic Messages on 127.0.0.1, with
// fault modes chosen by the model name, a scripted mode, and a log of every request. Flags and
// modes are described in tests/support/README.md.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;

struct Options {
  int port = 0;
  std::string port_file;
  std::string script_file;
  std::string request_log;
  std::string require_key;
  int threads = 64;
};

// One answer to send: text and usage, or an error status.
struct Reply {
  int status = 200;
  std::string text;
  std::string finish = "stop";
  std::optional<std::int64_t> input_tokens, output_tokens, reasoning_tokens;
  std::string error;                       // message for status != 200
  std::string error_param;                 // OpenAI error.param
  std::optional<std::string> retry_after;  // Retry-After header
  int delay_ms = 0;
};

Reply ErrorReply(int status, std::string message) {
  Reply r;
  r.status = status;
  r.error = std::move(message);
  return r;
}

// Scripted answers: the first entry with uses left whose "match" (if any) is a substring of the
// last user message.
class Script {
 public:
  void Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot read the script");
    json j = json::parse(in);
    const json& list = j.is_array() ? j : j.at("responses");
    for (const auto& e : list) {
      Entry entry;
      entry.match = e.value("match", "");
      int times = e.value("times", 1);
      entry.uses_left = times == 0 ? -1 : times;
      Reply& r = entry.reply;
      r.status = e.value("status", 200);
      r.text = e.value("text", "");
      r.finish = e.value("finish_reason", "stop");
      if (e.contains("input_tokens")) r.input_tokens = e["input_tokens"].get<std::int64_t>();
      if (e.contains("output_tokens")) r.output_tokens = e["output_tokens"].get<std::int64_t>();
      if (e.contains("reasoning_tokens")) {
        r.reasoning_tokens = e["reasoning_tokens"].get<std::int64_t>();
      }
      r.error = e.value("error", "scripted error");
      if (e.contains("retry_after")) {
        const json& ra = e["retry_after"];
        r.retry_after = ra.is_string() ? ra.get<std::string>() : ra.dump();
      }
      r.delay_ms = e.value("delay_ms", 0);
      entries_.push_back(std::move(entry));
    }
    loaded_ = true;
  }
  bool loaded() const { return loaded_; }

  std::optional<Reply> Next(const std::string& last_user) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : entries_) {
      if (e.uses_left == 0) continue;
      if (!e.match.empty() && last_user.find(e.match) == std::string::npos) continue;
      if (e.uses_left > 0) --e.uses_left;
      return e.reply;
    }
    return std::nullopt;
  }

 private:
  struct Entry {
    std::string match;
    int uses_left = 1;  // negative: unlimited ("times": 0 in the file)
    Reply reply;
  };
  std::mutex mu_;
  std::vector<Entry> entries_;
  bool loaded_ = false;
};

class FakeServer {
 public:
  explicit FakeServer(Options o) : o_(std::move(o)) {
    if (!o_.script_file.empty()) script_.Load(o_.script_file);
    if (!o_.request_log.empty()) log_.open(o_.request_log, std::ios::app);
  }

  void Handle(const std::string& api, const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    std::string auth = CheckAuth(api, req);
    Log(api, req, body, auth);
    if (body.is_discarded() || !body.is_object()) {
      return Error(api, res, ErrorReply(400, "the body is not a JSON object"));
    }
    if (api == "anthropic" && !req.has_header("anthropic-version")) {
      return Error(api, res, ErrorReply(400, "missing anthropic-version header"));
    }
    if (auth == "missing") {
      return Error(api, res, ErrorReply(401, "no API key was provided"));
    }
    if (auth.rfind("wrong:", 0) == 0) {
      // Real APIs echo (part of) a bad key; this one echoes all of it, so tests can check that
      // the client never shows it.
      return Error(api, res, ErrorReply(401, "Incorrect API key provided: " + auth.substr(6)));
    }
    std::string model = body.value("model", "");
    std::string mode = model.substr(0, model.find('#'));
    std::vector<std::string> parts;
    std::stringstream ss(mode);
    for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
    if (parts.empty()) parts.push_back("echo");
    int count = Count(model);
    auto arg = [&](std::size_t i, int fallback) {
      return parts.size() > i && !parts[i].empty() ? std::atoi(parts[i].c_str()) : fallback;
    };
    auto first_n = [&](std::size_t i) {
      int n = arg(i, 0);
      return n == 0 || count <= n;
    };
    std::string last_user = LastUserMessage(api, body);
    Reply reply;
    reply.text = "echo: " + last_user;
    const std::string& m = parts[0];
    if (m == "slow") {
      reply.delay_ms = arg(1, 1000);
    } else if (m == "fail" && first_n(2)) {
      reply.status = arg(1, 500);
      reply.error = "injected failure " + std::to_string(count);
      if (parts.size() > 3) reply.retry_after = parts[3];
      return Error(api, res, reply);
    } else if (m == "drop" && first_n(1)) {
      return Drop(api, res, body, reply);
    } else if (m == "truncated" && first_n(1)) {
      std::string full = Answer(api, body, reply).dump();
      return res.set_content(full.substr(0, full.size() / 2), "application/json");
    } else if (m == "html" && first_n(1)) {
      return res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
    } else if (m == "empty" && first_n(1)) {
      json a = Answer(api, body, reply);
      if (api == "openai") {
        a["choices"] = json::array();
      } else {
        a["content"] = json::array();
      }
      return res.set_content(a.dump(), "application/json");
    } else if (m == "bytes") {
      reply.text = std::string(static_cast<std::size_t>(arg(1, 1000)), 'x');
    } else if (m == "length") {
      reply.finish = "length";
    } else if (m == "reject-temperature" && body.contains("temperature")) {
      reply.status = 400;
      reply.error = "Unsupported value: 'temperature' does not support " +
                    body["temperature"].dump() + " with this model.";
      reply.error_param = "temperature";
      return Error(api, res, reply);
    } else if (script_.loaded() && !IsMode(m)) {
      std::optional<Reply> scripted = script_.Next(last_user);
      if (!scripted) {
        return Error(api, res,
                     ErrorReply(400, "fake server: no scripted answer is left for: " +
                                         last_user.substr(0, 200)));
      }
      reply = *scripted;
      if (reply.delay_ms > 0) Sleep(reply.delay_ms);
      if (reply.status != 200) return Error(api, res, reply);
      return res.set_content(Answer(api, body, reply).dump(), "application/json");
    }
    if (reply.delay_ms > 0) Sleep(reply.delay_ms);
    res.set_content(Answer(api, body, reply).dump(), "application/json");
  }

 private:
  static bool IsMode(const std::string& m) {
    for (const char* mode : {"echo", "slow", "fail", "drop", "truncated", "html", "empty", "bytes",
                             "length", "reject-temperature"}) {
      if (m == mode) return true;
    }
    return false;
  }

  static void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  std::string CheckAuth(const std::string& api, const httplib::Request& req) const {
    if (o_.require_key.empty()) return "unchecked";
    std::string got;
    if (api == "openai") {
      std::string h = req.get_header_value("Authorization");
      if (h.rfind("Bearer ", 0) == 0) got = h.substr(7);
    } else {
      got = req.get_header_value("x-api-key");
    }
    if (got.empty()) return "missing";
    return got == o_.require_key ? "ok" : "wrong:" + got;
  }

  void Log(const std::string& api, const httplib::Request& req, const json& body,
           const std::string& auth) {
    if (!log_.is_open()) return;
    json line = {{"api", api},
                 {"path", req.path},
                 {"auth", auth.rfind("wrong:", 0) == 0 ? "wrong" : auth},
                 {"body", body.is_discarded() ? json(req.body) : body}};
    std::lock_guard<std::mutex> lock(log_mu_);
    line["seq"] = ++logged_;
    log_ << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    log_.flush();
  }

  int Count(const std::string& model) {
    std::lock_guard<std::mutex> lock(count_mu_);
    return ++counts_[model];
  }

  static std::string TextOf(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string text;
    if (content.is_array()) {
      for (const auto& block : content) {
        if (block.is_object() && block.contains("text") && block["text"].is_string()) {
          text += block["text"].get<std::string>();
        }
      }
    }
    return text;
  }

  static std::string LastUserMessage(const std::string&, const json& body) {
    std::string last;
    if (body.contains("messages") && body["messages"].is_array()) {
      for (const auto& m : body["messages"]) {
        if (m.is_object() && m.value("role", "") == "user" && m.contains("content")) {
          last = TextOf(m["content"]);
        }
      }
    }
    return last;
  }

  static std::int64_t PromptTokens(const json& body) {
    std::size_t chars = 0;
    if (body.contains("system")) chars += TextOf(body["system"]).size();
    if (body.contains("messages") && body["messages"].is_array()) {
      for (const auto& m : body["messages"]) {
        if (m.is_object() && m.contains("content")) chars += TextOf(m["content"]).size();
      }
    }
    return static_cast<std::int64_t>(chars / 4 + 1);
  }

  static json Answer(const std::string& api, const json& body, const Reply& r) {
    bool reasoning = body.contains("reasoning_effort") || body.contains("output_config");
    std::int64_t in = r.input_tokens.value_or(PromptTokens(body));
    std::int64_t reason = r.reasoning_tokens.value_or(reasoning ? 16 : 0);
    std::int64_t out =
        r.output_tokens.value_or(static_cast<std::int64_t>(r.text.size() / 4 + 1) + reason);
    std::string model = body.value("model", "");
    if (api == "openai") {
      return {{"id", "chatcmpl-fake"},
              {"object", "chat.completion"},
              {"model", model},
              {"choices",
               {{{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", r.text}}},
                 {"finish_reason", r.finish}}}},
              {"usage",
               {{"prompt_tokens", in},
                {"completion_tokens", out},
                {"total_tokens", in + out},
                {"completion_tokens_details", {{"reasoning_tokens", reason}}}}}};
    }
    std::string stop = r.finish == "stop"     ? "end_turn"
                       : r.finish == "length" ? "max_tokens"
                                              : r.finish;
    return {{"id", "msg_fake"},
            {"type", "message"},
            {"role", "assistant"},
            {"model", model},
            {"content", {{{"type", "text"}, {"text", r.text}}}},
            {"stop_reason", stop},
            {"usage", {{"input_tokens", in}, {"output_tokens", out}}}};
  }

  static void Error(const std::string& api, httplib::Response& res, const Reply& r) {
    json j;
    if (api == "openai") {
      j = {{"error",
            {{"message", r.error},
             {"type", r.status == 429 ? "rate_limit_error" : "invalid_request_error"},
             {"param", r.error_param.empty() ? json() : json(r.error_param)},
             {"code", json()}}}};
    } else {
      j = {{"type", "error"},
           {"error",
            {{"type", r.status == 429 ? "rate_limit_error" : "api_error"}, {"message", r.error}}}};
    }
    res.status = r.status;
    if (r.retry_after) res.set_header("Retry-After", *r.retry_after);
    res.set_content(j.dump(), "application/json");
  }

  // Headers with the full length, then half the body, then the connection is closed.
  static void Drop(const std::string& api, httplib::Response& res, const json& body,
                   const Reply& reply) {
    auto text = std::make_shared<std::string>(Answer(api, body, reply).dump());
    res.set_content_provider(text->size(), "application/json",
                             [text](std::size_t, std::size_t, httplib::DataSink& sink) {
                               sink.write(text->data(), text->size() / 2);
                               return false;
                             });
  }

  Options o_;
  Script script_;
  std::mutex log_mu_;
  std::ofstream log_;
  std::int64_t logged_ = 0;
  std::mutex count_mu_;
  std::map<std::string, int> counts_;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "fake_llm_server: %s\n"
               "usage: fake_llm_server [--port N] [--port-file FILE] [--script FILE]\n"
               "                       [--request-log FILE] [--require-key KEY] [--threads N]\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--port") {
      o.port = std::atoi(value().c_str());
    } else if (a == "--port-file") {
      o.port_file = value();
    } else if (a == "--script") {
      o.script_file = value();
    } else if (a == "--request-log") {
      o.request_log = value();
    } else if (a == "--require-key") {
      o.require_key = value();
    } else if (a == "--threads") {
      o.threads = std::atoi(value().c_str());
    } else {
      Usage(("unknown argument " + a).c_str());
    }
  }
  std::unique_ptr<FakeServer> fake;
  try {
    fake = std::make_unique<FakeServer>(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake_llm_server: %s\n", e.what());
    return 2;
  }
  httplib::Server server;
  int threads = o.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(30);
  server.set_tcp_nodelay(true);  // else headers and body wait out delayed ACKs (40 ms)
  server.Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    fake->Handle("openai", req, res);
  });
  server.Post("/v1/messages", [&](const httplib::Request& req, httplib::Response& res) {
    fake->Handle("anthropic", req, res);
  });
  int port = o.port == 0 ? server.bind_to_any_port("127.0.0.1")
                         : (server.bind_to_port("127.0.0.1", o.port) ? o.port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "fake_llm_server: cannot bind 127.0.0.1:%d\n", o.port);
    return 1;
  }
  if (!o.port_file.empty()) {
    std::string tmp = o.port_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << port << "\n";
    }
    std::rename(tmp.c_str(), o.port_file.c_str());
  }
  std::printf("fake_llm_server listening on http://127.0.0.1:%d\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}
