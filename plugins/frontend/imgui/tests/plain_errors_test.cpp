#include "plain_errors.hpp"

#include <catch2/catch.hpp>

using telepane::frontend::plain_error;

TEST_CASE("connection failures read as what happened and what to do") {
  CHECK(plain_error("failed", "the person at the host declined the session") ==
        "Denied: the person at the host declined the session.");
  CHECK(plain_error("failed", "rendezvous server 127.0.0.1:1: peer 123456789 is not registered here") ==
        "No machine has this ID at your rendezvous server: check the ID. (rendezvous server 127.0.0.1:1: peer "
        "123456789 is not registered here)");
  CHECK_THAT(plain_error("failed", "host 123456789 is offline"), Catch::StartsWith("The host is offline:"));
  CHECK(plain_error("failed", "wrong password") ==
        "Wrong password: check it on the host (it changes after each session).");
  CHECK_THAT(plain_error("failed", "too many wrong passwords: try again in 4 s"),
             Catch::StartsWith("Too many wrong passwords") && Catch::Contains("try again in 4 s"));
  // Both fingerprints stay in the sentence: the person compares them with the host's.
  const std::string mismatch = "key mismatch for 123456789: the full ID names key aaaa but the host presents bbbb";
  CHECK_THAT(plain_error("failed", mismatch),
             Catch::StartsWith("Not connecting:") && Catch::Contains("aaaa") && Catch::Contains("bbbb"));
  CHECK_THAT(plain_error("failed", "the relay is unreachable: connection refused"),
             Catch::StartsWith("The relay server cannot be reached"));
  CHECK_THAT(plain_error("password", "the host asks for a password"),
             Catch::StartsWith("The host asks for a password"));
  // A reason with no plainer wording is shown as it is.
  CHECK(plain_error("closed", "the viewer left") == "the viewer left");
}
