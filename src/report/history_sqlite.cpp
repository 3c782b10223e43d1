#include "report/history_sqlite.hpp"

#include <fmt/format.h>

#include <chrono>
#include <system_error>
#include <utility>

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

namespace {

std::string no_history_message(const std::filesystem::path& file) {
  return file.string() + ": no run history there (runs are recorded by `cicada -f ...`)";
}

// A "file:" URI for sqlite3_open_v2 (SQLITE_OPEN_URI) naming `file`, with its query parameters.
std::string file_uri(const std::filesystem::path& file, const char* query) {
  std::string uri = "file:";
  std::error_code ec;  // no current folder (removed under us): the name as given, which SQLite resolves
  const std::filesystem::path whole = std::filesystem::absolute(file, ec);
  for (char c : (ec ? file : whole).string()) {
    if (c == '%' || c == '?' || c == '#')
      uri += fmt::format("%{:02x}", static_cast<unsigned char>(c));
    else
      uri += c;
  }
  return uri + "?" + query;
}

}  // namespace

Result<Connection> Connection::open(const std::filesystem::path& file, bool create,
                                    std::chrono::milliseconds busy_timeout) {
  if (create && file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return make_error(file.parent_path().string() + ": cannot create the folder: " + ec.message());
  }
  if (!create) {
    std::error_code ec;
    const bool there = std::filesystem::exists(file, ec);
    if (ec) return make_error(file.string() + ": cannot look at the run history: " + ec.message());
    if (!there) return make_error(no_history_message(file));
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  Connection conn(db);  // owns db even when opening failed (sqlite3_close frees it)
  if (rc != SQLITE_OK) return make_error(file.string() + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return conn;
}

Result<Connection> Connection::open_read_only(const std::filesystem::path& file,
                                              std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return make_error(no_history_message(file));
  // Opening is lazy: the first read is what opens the WAL and its index, and fails where they cannot be.
  const auto open = [&](const char* query) -> std::pair<Connection, int> {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX;
    int rc = sqlite3_open_v2(file_uri(file, query).c_str(), &db, flags, nullptr);
    Connection conn(db);
    if (rc == SQLITE_OK) {
      sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
      rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    return {std::move(conn), rc};
  };
  auto [conn, rc] = open("mode=ro");
  if (rc == SQLITE_OK) return std::move(conn);
  const int primary = rc & 0xff;
  if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN)
    return make_error(file.string() + ": " + conn.last_error());
  // No -shm could be made beside the file (sqlite.org/wal.html, "Read-Only Databases"). Without changes
  // in a -wal (none, or empty: every writer closed, and none is writing, or the -shm would exist) the file
  // alone is the whole database: read it as immutable, without the index or locks.
  const std::filesystem::path wal = file.string() + "-wal";
  if (std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0 && !ec)
    return make_error(fmt::format(
        "{}: cannot read it here: {} may hold changes not yet in the file, and SQLite cannot create the "
        "index it needs to read them ({}-shm) in this folder; copy both files to a folder you can write",
        file.string(), wal.string(), file.string()));
  auto [immutable, immutable_rc] = open("immutable=1");
  if (immutable_rc != SQLITE_OK) return make_error(file.string() + ": " + immutable.last_error());
  return std::move(immutable);
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
