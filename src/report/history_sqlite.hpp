#pragma once
// A thin RAII layer over the SQLite C API for the run history: a connection, prepared statements with
// typed binds and columns, and transactions that roll back unless committed. Errors come back as
// Result with SQLite's own message; nothing here throws.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cicada::report::sql {

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by position (1-based), returning *this so calls chain.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::uint64_t value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // true: a row is ready; false: done. Errors carry SQLite's message.
  Result<bool> step();
  // Runs to completion (for INSERT/UPDATE/DELETE), then resets so the statement can be bound again.
  Result<void> run();
  void reset();
  // Steps through every row, calling fn() (which reads columns) for each; stops at fn's first error.
  template <class F>
  Result<void> each_row(F&& fn) {
    for (;;) {
      auto row = step();
      if (!row) return row.error();
      if (!*row) return {};
      if (Result<void> r = fn(); !r) return r;
    }
  }

  std::string text(int column) const;  // "" for NULL
  double real(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  // Opens (creating if allowed) the file. busy_timeout: how long a write waits for another process's
  // transaction before failing (concurrent runs share one database).
  static Result<Connection> open(const std::filesystem::path& file, bool create,
                                 std::chrono::milliseconds busy_timeout);
  // Opens an existing file for reading only: nothing is written, so a file this process may not write
  // (another user's, a CI artifact, read-only media) reads as well. A WAL database needs its -shm index,
  // which SQLite creates beside the file: in a folder this process cannot write, a database without
  // un-checkpointed changes (no -wal, or an empty one: every writer closed) is opened immutable instead;
  // one whose -wal holds changes is an error that says how to read it.
  static Result<Connection> open_read_only(const std::filesystem::path& file,
                                           std::chrono::milliseconds busy_timeout);
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<Statement> prepare(std::string_view sql) const;
  Result<void> exec(const std::string& sql) const;  // one or more statements, no results
  std::string last_error() const;
  int changes() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE (takes the write lock up front, so two writers never deadlock upgrading a read lock);
// rolled back at destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(const Connection& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Result<void> commit();

 private:
  explicit Transaction(const Connection* db) : db_(db) {}
  const Connection* db_ = nullptr;
};

}  // namespace cicada::report::sql
