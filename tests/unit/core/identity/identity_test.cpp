#include <catch2/catch.hpp>
#include <telepane/core/identity/identity.hpp>

#include "process.hpp"

#include <sys/stat.h>

#include <fstream>

using namespace telepane::core::identity;

TEST_CASE("an identity is created once, private to its owner, and the same on every load") {
  telepane::test::TempDir tmp;
  const auto file = tmp / "state/telepane/identity";
  const Identity first = Identity::load_or_create(file);
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(stat(file.parent_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  const Identity again = Identity::load_or_create(file);
  CHECK(again.public_key() == first.public_key());
  CHECK(again.full_id() == first.full_id());
  CHECK(first.numeric_id().size() == 9);
  CHECK(first.fingerprint().size() == 32);
}

TEST_CASE("a directory that already exists keeps its mode") {
  telepane::test::TempDir tmp;
  const auto dir = tmp / "shared";
  std::filesystem::create_directory(dir);
  chmod(dir.c_str(), 0755);
  Identity::load_or_create(dir / "identity");
  struct stat st {};
  REQUIRE(stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("an identity file others can read is refused and left alone") {
  telepane::test::TempDir tmp;
  const auto file = tmp / "identity";
  { Identity::load_or_create(file); }
  chmod(file.c_str(), 0644);
  CHECK_THROWS_WITH(Identity::load_or_create(file),
                    file.string() +
                        ": permissions are too open (644); the private key must be readable by its owner "
                        "only: chmod 600 " +
                        file.string());
}

TEST_CASE("a malformed identity file is an error, never silently replaced") {
  telepane::test::TempDir tmp;
  const auto file = tmp.write("identity", "private_key: 1234\nid_counter: 0\n");
  chmod(file.c_str(), 0600);
  CHECK_THROWS_WITH(Identity::load_or_create(file), Catch::Contains("malformed identity file"));
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  CHECK(first == "private_key: 1234");
}

TEST_CASE("IDs: derived from the key, moved on when taken, parsed with or without a fingerprint") {
  Identity id = Identity::generate();
  const std::string first = id.numeric_id();
  CHECK(numeric_id_for(id.public_key(), 0) == first);
  id.use_next_numeric_id();
  CHECK(id.numeric_id() != first);
  CHECK(id.numeric_id() == numeric_id_for(id.public_key(), 1));

  auto parsed = parse_peer_id(id.full_id());
  REQUIRE(parsed);
  CHECK(parsed->numeric_id == id.numeric_id());
  CHECK(parsed->fingerprint == id.fingerprint());
  auto spaced = parse_peer_id("123 456 789");
  REQUIRE(spaced);
  CHECK(spaced->numeric_id == "123456789");
  CHECK_FALSE(spaced->fingerprint);
  CHECK_FALSE(parse_peer_id("12345678"));
  CHECK_FALSE(parse_peer_id("012345678"));
  CHECK_FALSE(parse_peer_id("123456789@short"));
  CHECK_FALSE(parse_peer_id("123456789@" + std::string(32, '1')));  // '1' is not in the base32 alphabet
  CHECK_FALSE(parse_peer_id("12345678x"));
}

TEST_CASE("a fingerprint changes with the key") {
  const Identity a = Identity::generate(), b = Identity::generate();
  CHECK(a.fingerprint() != b.fingerprint());
  CHECK(fingerprint_of(a.public_key()) == a.fingerprint());
}
