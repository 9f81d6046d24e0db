#include <catch2/catch.hpp>
#include <telepane/core/identity/known_hosts.hpp>

#include "process.hpp"

#include <sys/stat.h>

using namespace telepane::core::identity;

TEST_CASE("first use pins, the same key matches, another key is a mismatch") {
  telepane::test::TempDir tmp;
  const auto file = tmp / "known_hosts";
  const Identity host = Identity::generate(), impostor = Identity::generate();
  auto k = KnownHosts::load(file);
  CHECK(k.check(host.numeric_id(), host.public_key()) == KnownHosts::Verdict::New);
  k.pin(host.numeric_id(), host.fingerprint());
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  const auto reloaded = KnownHosts::load(file);
  CHECK(reloaded.check(host.numeric_id(), host.public_key()) == KnownHosts::Verdict::Match);
  CHECK(reloaded.check(host.numeric_id(), impostor.public_key()) == KnownHosts::Verdict::Mismatch);
  CHECK(key_mismatch_message(host.numeric_id(), host.fingerprint(), impostor.fingerprint()) ==
        "key mismatch for " + host.numeric_id() + ": this host was pinned with key " + host.fingerprint() +
            " but now presents " + impostor.fingerprint() +
            ". Someone may be impersonating it. If the host really has a new key, accept it with: telepane "
            "known-hosts accept " +
            host.numeric_id() + "@" + impostor.fingerprint());
}

TEST_CASE("a malformed line names the file and line, and nothing is lost") {
  telepane::test::TempDir tmp;
  const Identity host = Identity::generate();
  const auto file =
      tmp.write("known_hosts", "# pins\n" + host.numeric_id() + " " + host.fingerprint() + "\nnonsense\n");
  CHECK_THROWS_WITH(KnownHosts::load(file), file.string() + ":3: expected '<9-digit ID> <fingerprint>'");
}

TEST_CASE("forget drops a pin") {
  telepane::test::TempDir tmp;
  const Identity host = Identity::generate();
  auto k = KnownHosts::load(tmp / "kh");
  k.pin(host.numeric_id(), host.fingerprint());
  CHECK(k.forget(host.numeric_id()));
  CHECK_FALSE(k.forget(host.numeric_id()));
  CHECK(KnownHosts::load(tmp / "kh").all().empty());
  CHECK_THROWS_AS(k.pin("12345", host.fingerprint()), IdentityError);
}
