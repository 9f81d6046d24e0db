// The SQLite peer store behind the registry plugin: one table of (id, key, address, last_seen), WAL journal, one
// connection guarded by a mutex (lookups are index hits; the rendezvous server batches nothing).
#pragma once

#include <telepane/abi/tp_registry.h>

#include <sqlite3.h>

#include <mutex>
#include <string>

namespace telepane::registry {

class SqliteRegistry {
 public:
  // Opens or creates the database. Throws sdk::Error naming the file.
  explicit SqliteRegistry(const std::string& path);
  ~SqliteRegistry();
  SqliteRegistry(const SqliteRegistry&) = delete;
  SqliteRegistry& operator=(const SqliteRegistry&) = delete;

  // TP_ERR_DENIED when `r.id` belongs to another key.
  tp_status put(const tp_peer_record& r);
  tp_status get(const std::string& id, tp_peer_record& out);

 private:
  void exec(const char* sql);
  std::string path_;
  std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
};

}  // namespace telepane::registry
