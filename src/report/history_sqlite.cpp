#include "report/history_sqlite.hpp"

#include <chrono>
#include <system_error>

namespace cicada::report::sql {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error(sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Result<void> Statement::run() {
  auto r = step();
  reset();
  if (!r) return r.error();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<Connection> Connection::open(const std::filesystem::path& file, bool create,
                                    std::chrono::milliseconds busy_timeout) {
  if (create && file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return make_error(file.parent_path().string() + ": cannot create the folder: " + ec.message());
  }
  if (!create && !std::filesystem::exists(file))
    return make_error(file.string() + ": no run history there (runs are recorded by `cicada -f ...`)");
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  Connection conn(db);  // owns db even when opening failed (sqlite3_close frees it)
  if (rc != SQLITE_OK) return make_error(file.string() + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return conn;
}

Connection::~Connection() {
  if (db_) sqlite3_close(db_);
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

Result<Statement> Connection::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return make_error(last_error());
  return Statement(stmt);
}

Result<void> Connection::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : last_error();
    sqlite3_free(message);
    return make_error(text);
  }
  return {};
}

std::string Connection::last_error() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }
int Connection::changes() const { return sqlite3_changes(db_); }

Result<Transaction> Transaction::begin(const Connection& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  auto r = db_->exec("COMMIT");
  if (r) db_ = nullptr;
  return r;
}

}  // namespace cicada::report::sql
