// SPDX-License-Identifier: Apache-2.0
// Durability and concurrency with real processes: a writer killed with SIGKILL at random points
// leaves a sound database holding everything it reported committed, and readers run while a
// writer commits.
#include "results/leaderboard.h"
#include "results/schedule_store.h"
#include "tests/support/store_fixtures.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <poll.h>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace kopt {
namespace {

using Clock = std::chrono::steady_clock;
using testing::TempDir;

// The writer child: its pid and the read end of its stdout.
class Writer {
 public:
  Writer(const std::string& db, long seed) {
    int fds[2];
    KOPT_CHECK(::pipe(fds) == 0);
    pid_ = ::fork();
    KOPT_CHECK(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      std::string s = std::to_string(seed);
      ::execl(KOPT_STORE_WRITER, KOPT_STORE_WRITER, db.c_str(), "--seed", s.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Writer() {
    Kill();
    if (fd_ >= 0) ::close(fd_);
  }

  // Reads what the child prints until `deadline` (or until it exits).
  void ReadUntil(Clock::time_point deadline) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
      if (ready <= 0) return;
      if (!ReadSome()) return;
    }
  }
  // Reads until the child has printed `lines` complete lines (or `timeout` passed).
  void ReadLines(std::size_t lines, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Lines().size() < lines && Clock::now() < deadline) {
      ReadUntil(std::min(deadline, Clock::now() + std::chrono::milliseconds(10)));
    }
  }
  // SIGKILL, reap, then read what was written before the kill.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_on_its_own_ = !WIFSIGNALED(status);
    pid_ = -1;
    while (ReadSome()) {
    }
  }
  bool exited_on_its_own() const { return exited_on_its_own_; }

  // Complete lines only: a line cut by the kill is not a report.
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = out_.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines.push_back(out_.substr(start, nl - start));
    }
    return lines;
  }

 private:
  bool ReadSome() {
    char buf[65536];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    out_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
  bool exited_on_its_own_ = false;
};

std::string IntegrityCheck(const std::string& path) {
  Database db(path, false);
  Query q = db.Prepare("PRAGMA integrity_check");
  std::string out;
  while (q->Step()) out += q->Text(0);
  return out;
}

TEST(StoreCrashTest, EveryReportedCommitSurvivesSigkillAtRandomPoints) {
  TempDir dir;
  std::string path = dir.File("kopt.db");
  // Each round lets the writer report a random number of commits, then kills it a random
  // moment later: mostly in the middle of a record, sometimes while it opens (or creates) the
  // database. The seed is fixed so every run tries the same points.
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> wait_lines(0, 40);
  std::uniform_int_distribution<int> delay_us(0, 3000);
  constexpr int kKills = 60;
  int killed_mid_work = 0, reported = 0, before_open = 0, waited_for = 0;
  for (int round = 0; round < kKills; ++round) {
    Writer writer(path, round);
    int wait = round % 10 == 0 ? 0 : wait_lines(rng);
    waited_for += std::max(0, wait - 1);  // the first line is "open"
    writer.ReadLines(static_cast<std::size_t>(wait), std::chrono::seconds(30));
    writer.ReadUntil(Clock::now() + std::chrono::microseconds(delay_us(rng)));
    writer.Kill();
    ASSERT_FALSE(writer.exited_on_its_own()) << "the writer stopped by itself in round " << round;
    ++killed_mid_work;
    // Killed before it created the file, or after SQLite created it but before the schema's
    // first commit (an empty file: reading commands refuse it, the next writer initializes it).
    if (!std::filesystem::exists(path) || std::filesystem::file_size(path) == 0) {
      EXPECT_TRUE(writer.Lines().empty());
      ++before_open;
      continue;
    }
    ASSERT_EQ(IntegrityCheck(path), "ok") << "round " << round;

    Store store(path, Store::OpenMode::kExisting);
    std::vector<std::string> lines = writer.Lines();
    if (lines.empty()) ++before_open;
    for (const std::string& line : lines) {
      std::istringstream in(line);
      std::string kind;
      std::int64_t id = 0;
      in >> kind >> id;
      SCOPED_TRACE("round " + std::to_string(round) + ": " + line);
      if (kind == "open") continue;
      ++reported;
      if (kind == "run") {
        EXPECT_TRUE(store.GetRun(id));
      } else if (kind == "finish") {
        ASSERT_TRUE(store.GetRun(id));
        EXPECT_EQ(store.GetRun(id)->status, "ok");
      } else if (kind == "task") {
        EXPECT_TRUE(store.GetTask(id));
      } else if (kind == "candidate") {
        EXPECT_TRUE(store.GetCandidate(id));
      } else if (kind == "evaluation") {
        std::int64_t candidate = 0;
        in >> candidate;
        std::optional<EvaluationRecord> e = store.GetEvaluation(id);
        ASSERT_TRUE(e);
        EXPECT_EQ(e->candidate_id, candidate);
        EXPECT_EQ(e->result.status, EvalStatus::kCorrect);
      } else if (kind == "llm") {
        std::string key;
        in >> key;
        ASSERT_TRUE(store.GetLlmCall(id));
        EXPECT_EQ(store.GetLlmCall(id)->call.cache_key, key);
        EXPECT_TRUE(store.FindLlmCall(key));
      } else if (kind == "schedule") {
        EXPECT_TRUE(GetSchedule(store, id));
      } else {
        ADD_FAILURE() << "unknown report";
      }
    }
  }
  EXPECT_EQ(killed_mid_work, kKills);
  EXPECT_GE(reported, waited_for) << "the writer reported the commits it was given time for";
  RecordProperty("reported_commits", reported);
  RecordProperty("kills_before_open", before_open);
  // Killed runs stay "running"; the store still answers queries over all of it.
  Store store(path);
  EXPECT_GE(store.ListRuns().size(), 1u);
  EXPECT_FALSE(QueryLeaderboard(store, {}).entries.empty());
}

TEST(StoreConcurrencyTest, ReadersWorkWhileAWriterCommits) {
  TempDir dir;
  std::string path = dir.File("kopt.db");
  Writer writer(path, 7);
  // Wait for the schema and the first evaluations.
  auto start = Clock::now();
  while (writer.Lines().size() < 30 && Clock::now() - start < std::chrono::seconds(20)) {
    writer.ReadUntil(Clock::now() + std::chrono::milliseconds(20));
  }
  ASSERT_GE(writer.Lines().size(), 30u);
  Store reader(path, Store::OpenMode::kExisting);
  std::size_t lines_before = writer.Lines().size();
  std::int64_t first_seen = -1, last_seen = -1;
  int queries = 0;
  auto until = Clock::now() + std::chrono::milliseconds(1500);
  while (Clock::now() < until) {
    Leaderboard board = QueryLeaderboard(reader, {});  // throws if the database were locked
    std::int64_t kernels = 0;
    for (const auto& e : board.entries) kernels += e.kernels;
    if (first_seen < 0) first_seen = kernels;
    EXPECT_GE(kernels, last_seen) << "a reader never sees records disappear";
    last_seen = kernels;
    EXPECT_FALSE(reader.ListRuns(5).empty());
    ++queries;
    writer.ReadUntil(Clock::now() + std::chrono::milliseconds(5));  // keep the pipe drained
  }
  writer.Kill();
  EXPECT_GT(queries, 10);
  EXPECT_GT(last_seen, first_seen) << "the reader saw the writer's progress";
  EXPECT_GT(writer.Lines().size(), lines_before) << "the writer was not blocked by the reader";
  EXPECT_EQ(IntegrityCheck(path), "ok");
}

}  // namespace
}  // namespace kopt
