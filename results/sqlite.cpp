// SPDX-License-Identifier: Apache-2.0
#include "results/sqlite.h"

#include "core/secrets.h"

#include <sqlite3.h>

namespace kopt {
namespace {

// Readers and writers share the file; a locked database is waited on this long before failing.
constexpr int kBusyTimeoutMs = 10000;

// The SQL as it reads in an error message: whitespace collapsed, long statements cut.
std::string Brief(std::string_view sql) {
  std::string out;
  for (char c : sql) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 160) out = out.substr(0, 157) + "...";
  return out;
}

// The connection's message when it describes `rc`, else the generic text of the code.
std::string Message(sqlite3* db, int rc) {
  bool current = db && sqlite3_extended_errcode(db) == rc;
  std::string msg = current ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return msg + " (SQLite code " + std::to_string(rc) + ")";
}

}  // namespace

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string path)
    : db_(db), stmt_(stmt), path_(std::move(path)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Fail(int rc) const {
  throw StoreError(path_ + ": " + Brief(sqlite3_sql(stmt_)) + ": " + Message(db_, rc));
}

Statement& Statement::Bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) Fail(rc);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) Fail(rc);
  return *this;
}

// Every text the store writes (and every text it looks rows up by, so both sides match) passes
// here: the one place secrets are kept out of the database.
Statement& Statement::Bind(int index, std::string_view text) {
  std::string redacted = RedactSecrets(std::string(text));
  int rc = sqlite3_bind_text64(stmt_, index, redacted.data(), redacted.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) Fail(rc);
  return *this;
}

Statement& Statement::Bind(int index, std::nullptr_t) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) Fail(rc);
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(rc);
}

void Statement::Run() {
  while (Step()) {
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::TextView(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<double> Statement::OptReal(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Real(column);
}

std::optional<std::string> Statement::OptText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

const char* Statement::sql() const { return sqlite3_sql(stmt_); }

Database::Database(std::string path, bool create, bool read_only) : path_(std::move(path)) {
  // No memory statistics: they cost a global mutex on every allocation SQLite makes.
  static const bool kConfigured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  KOPT_CHECK(kConfigured);
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX |
              (create && !read_only ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = Message(db_, rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path_ + ": cannot open the database: " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Database::~Database() {
  statements_.clear();  // every statement is finalized before the connection closes
  sqlite3_close(db_);
}

void Database::Fail(int rc, std::string_view what) const {
  throw StoreError(path_ + ": " + Brief(what) + ": " + Message(db_, rc));
}

void Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string msg = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw StoreError(path_ + ": " + Brief(sql) + ": " + msg + " (SQLite code " +
                     std::to_string(rc) + ")");
  }
}

Query Database::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) Fail(rc, sql);
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, stmt, path_)).first;
  }
  it->second->Reset();
  return Query(*it->second);
}

std::int64_t Database::QueryInt(const std::string& sql) {
  Query q = Prepare(sql);
  if (!q->Step()) Fail(SQLITE_ERROR, sql + " returned no row");
  return q->Int(0);
}

namespace {
int CallCommitHook(void* hook, sqlite3*, const char*, int pages) {
  (*static_cast<std::function<void(int)>*>(hook))(pages);
  return SQLITE_OK;
}
}  // namespace

bool Database::CheckpointPassive() {
  return sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
         SQLITE_OK;
}

void Database::SetCommitHook(std::function<void(int wal_pages)> hook) {
  commit_hook_ = std::move(hook);
  if (commit_hook_) {
    sqlite3_wal_hook(db_, CallCommitHook, &commit_hook_);
  } else {
    sqlite3_wal_autocheckpoint(db_, 1000);  // SQLite's default
  }
}

std::int64_t Database::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }

// Prepared once per connection: these run around every record.
Transaction::Transaction(Database& db) : db_(db) { db_.Prepare("BEGIN IMMEDIATE")->Run(); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.Exec("ROLLBACK");
  } catch (const StoreError&) {
    // A failed statement may already have rolled the transaction back; nothing is left to undo.
  }
}

void Transaction::Commit() {
  db_.Prepare("COMMIT")->Run();
  done_ = true;
}

}  // namespace kopt
