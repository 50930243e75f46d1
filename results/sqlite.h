// SPDX-License-Identifier: Apache-2.0
// A thin layer over the SQLite C API: a connection, cached prepared statements, write
// transactions, and StoreError, the one way a failed sqlite3 call is reported.
#pragma once

#include "core/error.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kopt {

/// A database could not be opened, read or written. The message names the file, the SQL and
/// SQLite's own explanation.
class StoreError : public Error {
 public:
  using Error::Error;
};

/// One prepared statement. Bind parameters are 1-based, result columns 0-based.
/// Call order: Bind... -> Step (until false) -> Reset (done by Query).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string path);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, std::nullptr_t);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : Bind(index, nullptr);
  }
  /// Binds every argument in order, starting at parameter 1.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
    return *this;
  }

  /// Runs to the next row: true when a row is available, false when done.
  bool Step();
  /// Steps once and expects no row (an INSERT, UPDATE or DELETE).
  void Run();
  void Reset();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  double Real(int column) const;
  std::string Text(int column) const;
  /// The text without a copy; valid until the next Step or Reset.
  std::string_view TextView(int column) const;
  std::optional<std::int64_t> OptInt(int column) const;
  std::optional<double> OptReal(int column) const;
  std::optional<std::string> OptText(int column) const;

  const char* sql() const;

 private:
  [[noreturn]] void Fail(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string path_;
};

/// A cached statement in use: resets it when it goes out of scope, so no half-read query keeps
/// a read snapshot open (an open snapshot would make this connection's next write fail).
class Query {
 public:
  explicit Query(Statement& statement) : statement_(statement) {}
  ~Query() { statement_.Reset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Statement* operator->() const { return &statement_; }
  Statement& operator*() const { return statement_; }

 private:
  Statement& statement_;
};

/// One connection. Not thread-safe by itself: Store serializes access with a mutex.
class Database {
 public:
  /// Opens (and with `create`, creates) the file; ":memory:" is a private in-memory database.
  /// `read_only`: SQLITE_OPEN_READONLY, for looking at a file without changing it.
  Database(std::string path, bool create, bool read_only = false);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements that return nothing of interest.
  void Exec(std::string_view sql);
  /// The cached statement for `sql`, reset and with its bindings cleared.
  Query Prepare(const std::string& sql);
  /// The single integer a query such as `PRAGMA user_version` returns.
  std::int64_t QueryInt(const std::string& sql);
  std::int64_t LastInsertId() const;
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;
  const std::string& path() const { return path_; }
  /// A PASSIVE checkpoint on this connection: copies what it can from the WAL into the database
  /// without waiting for anyone. False when another checkpoint holds the lock. Never throws.
  bool CheckpointPassive();
  /// Calls `hook(wal_pages)` after every commit in WAL mode instead of checkpointing
  /// automatically; an empty hook restores automatic checkpoints.
  void SetCommitHook(std::function<void(int wal_pages)> hook);

  /// Throws StoreError naming the file, `what` (usually the SQL) and SQLite's message.
  [[noreturn]] void Fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
  std::function<void(int)> commit_hook_;
};

/// A write transaction (BEGIN IMMEDIATE, so a writer waits for the lock up front instead of
/// failing on upgrade). Rolls back unless Commit() was called. Destructors never throw.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace kopt
