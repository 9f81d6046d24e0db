#include "../src/sqlite_registry.hpp"

#include <catch2/catch.hpp>
#include <telepane/sdk/status.hpp>

#include <unistd.h>

#include <cstring>
#include <filesystem>

using telepane::registry::SqliteRegistry;

namespace {
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/tp-registry-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

tp_peer_record record(const char* id, uint8_t key_byte, const char* address, int64_t seen) {
  tp_peer_record r{};
  r.struct_size = sizeof r;
  std::strncpy(r.id, id, sizeof r.id - 1);
  std::memset(r.key, key_byte, 32);
  r.key_size = 32;
  std::strncpy(r.address, address, sizeof r.address - 1);
  r.last_seen_unix_ms = seen;
  return r;
}
}  // namespace

TEST_CASE("a record put is found again, and an unknown id is not found") {
  TempDir dir;
  SqliteRegistry reg((dir.path / "r.db").string());
  REQUIRE(reg.put(record("123456789", 7, "10.0.0.1:5", 42)) == TP_OK);
  tp_peer_record out{};
  REQUIRE(reg.get("123456789", out) == TP_OK);
  CHECK(std::string(out.address) == "10.0.0.1:5");
  CHECK(out.key_size == 32);
  CHECK(out.key[31] == 7);
  CHECK(out.last_seen_unix_ms == 42);
  CHECK(reg.get("987654321", out) == TP_ERR_NOT_FOUND);
}

TEST_CASE("an id stays bound to its first key, across a reopen") {
  TempDir dir;
  const auto file = (dir.path / "r.db").string();
  {
    SqliteRegistry reg(file);
    REQUIRE(reg.put(record("123456789", 1, "a:1", 1)) == TP_OK);
    CHECK(reg.put(record("123456789", 1, "b:2", 2)) == TP_OK);  // same key: the address moves
  }
  SqliteRegistry reopened(file);
  CHECK(reopened.put(record("123456789", 2, "evil:1", 3)) == TP_ERR_DENIED);
  tp_peer_record out{};
  REQUIRE(reopened.get("123456789", out) == TP_OK);
  CHECK(out.key[0] == 1);
  CHECK(std::string(out.address) == "b:2");
}

TEST_CASE("records that do not fit are refused, not truncated") {
  TempDir dir;
  SqliteRegistry reg((dir.path / "r.db").string());
  auto r = record("123456789", 1, "a:1", 1);
  std::memset(r.id, '1', sizeof r.id);  // no terminator
  CHECK(reg.put(r) == TP_ERR_INVALID_ARGUMENT);
  auto r2 = record("123456789", 1, "a:1", 1);
  r2.key_size = 33;
  CHECK(reg.put(r2) == TP_ERR_INVALID_ARGUMENT);
}

TEST_CASE("a database that cannot be opened is a clear error") {
  CHECK_THROWS_WITH(SqliteRegistry("/nonexistent-dir/x/r.db"), Catch::Contains("/nonexistent-dir/x/r.db"));
}
