#include "sqlite_registry.hpp"

#include <telepane/sdk/status.hpp>

#include <algorithm>
#include <cstring>

namespace telepane::registry {
using sdk::Error;

SqliteRegistry::SqliteRegistry(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(TP_ERR_IO, "registry " + path + ": " + why);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    // WAL: a crash loses at most the last transactions, never the file; NORMAL sync is durable across process
    // restarts, which is what a restarting server needs.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(
        "CREATE TABLE IF NOT EXISTS peers (id TEXT PRIMARY KEY, key BLOB NOT NULL, address TEXT NOT NULL, "
        "last_seen INTEGER NOT NULL)");
    // An id keeps its key: the update applies only when the key matches, so changes() tells a refusal apart.
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO peers (id, key, address, last_seen) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT(id) DO UPDATE SET address = excluded.address, last_seen = excluded.last_seen "
                           "WHERE peers.key = excluded.key",
                           -1, &insert_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "SELECT key, address, last_seen FROM peers WHERE id = ?1", -1, &select_, nullptr) !=
            SQLITE_OK)
      throw Error(TP_ERR_IO, "registry " + path + ": " + sqlite3_errmsg(db_));
  } catch (...) {
    sqlite3_finalize(insert_);
    sqlite3_finalize(select_);
    sqlite3_close(db_);
    throw;
  }
}

SqliteRegistry::~SqliteRegistry() {
  sqlite3_finalize(insert_);
  sqlite3_finalize(select_);
  sqlite3_close(db_);
}

void SqliteRegistry::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    const std::string why = msg ? msg : "unknown error";
    sqlite3_free(msg);
    throw Error(TP_ERR_IO, "registry " + path_ + ": " + why);
  }
}

tp_status SqliteRegistry::put(const tp_peer_record& r) {
  const std::size_t id_len = strnlen(r.id, sizeof r.id);
  const std::size_t addr_len = strnlen(r.address, sizeof r.address);
  if (id_len == 0 || id_len == sizeof r.id || addr_len == sizeof r.address || r.key_size > sizeof r.key)
    return TP_ERR_INVALID_ARGUMENT;
  std::lock_guard lock(mu_);
  sqlite3_reset(insert_);
  sqlite3_bind_text(insert_, 1, r.id, int(id_len), SQLITE_TRANSIENT);
  sqlite3_bind_blob(insert_, 2, r.key, int(r.key_size), SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 3, r.address, int(addr_len), SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert_, 4, r.last_seen_unix_ms);
  if (sqlite3_step(insert_) != SQLITE_DONE) return TP_ERR_IO;
  return sqlite3_changes(db_) == 1 ? TP_OK : TP_ERR_DENIED;
}

tp_status SqliteRegistry::get(const std::string& id, tp_peer_record& out) {
  std::lock_guard lock(mu_);
  sqlite3_reset(select_);
  sqlite3_bind_text(select_, 1, id.c_str(), int(id.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(select_);
  if (rc == SQLITE_DONE) return TP_ERR_NOT_FOUND;
  if (rc != SQLITE_ROW) return TP_ERR_IO;
  out = tp_peer_record{};
  out.struct_size = sizeof out;
  std::memcpy(out.id, id.c_str(), std::min(id.size(), sizeof out.id - 1));
  const int key_len = std::min<int>(sqlite3_column_bytes(select_, 0), int(sizeof out.key));
  if (key_len > 0) std::memcpy(out.key, sqlite3_column_blob(select_, 0), std::size_t(key_len));
  out.key_size = uint32_t(key_len);
  const auto* addr = reinterpret_cast<const char*>(sqlite3_column_text(select_, 1));
  if (addr != nullptr) std::strncpy(out.address, addr, sizeof out.address - 1);
  out.last_seen_unix_ms = sqlite3_column_int64(select_, 2);
  return TP_OK;
}

}  // namespace telepane::registry
