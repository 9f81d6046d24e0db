#include <catch2/catch.hpp>
#include <telepane/core/session/admission.hpp>

#include <vector>

using namespace telepane::core::session;

TEST_CASE("per-source pending cap: one address cannot hold every slot") {
  auto a = std::make_shared<Admission>(AdmissionLimits{10, 2});
  std::vector<Admission::Ticket> held;
  for (int i = 0; i < 2; ++i) held.push_back(std::get<Admission::Ticket>(a->admit("10.0.0.9")));
  auto refused = a->admit("10.0.0.9");
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK(std::get<std::string>(refused) == "too many connections still authenticating from 10.0.0.9");
  CHECK(std::holds_alternative<Admission::Ticket>(a->admit("10.0.0.7")));  // someone else still gets in
  held[0].authenticated();  // an authenticated session frees its source's pending slot
  CHECK(std::holds_alternative<Admission::Ticket>(a->admit("10.0.0.9")));
}

TEST_CASE("total cap, and slots come back when tickets go") {
  auto a = std::make_shared<Admission>(AdmissionLimits{2, 5});
  {
    auto t1 = std::get<Admission::Ticket>(a->admit("a"));
    auto t2 = std::get<Admission::Ticket>(a->admit("b"));
    CHECK(std::get<std::string>(a->admit("c")) == "too many sessions (2) on this host");
    CHECK(a->sessions() == 2);
  }
  CHECK(a->sessions() == 0);
  CHECK(std::holds_alternative<Admission::Ticket>(a->admit("c")));
}

TEST_CASE("addresses lose their port") {
  CHECK(address_without_port("127.0.0.1:4000") == "127.0.0.1");
  CHECK(address_without_port("[::1]:4000") == "[::1]");
}
