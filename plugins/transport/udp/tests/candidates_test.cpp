// Candidate lists and port prediction: what a punched link offers and accepts.
#include "candidates.hpp"

#include <catch2/catch.hpp>

using namespace telepane::transport::udp;

TEST_CASE("ports that step by a small constant are predicted, others are not") {
  CHECK(predict_ports(40000, 40001, 3) == std::vector<uint16_t>{40002, 40003, 40004});
  CHECK(predict_ports(40010, 40006, 2) == std::vector<uint16_t>{40002, 39998});
  CHECK(predict_ports(40000, 40000, 3).empty());  // endpoint-independent mapping: nothing to predict
  CHECK(predict_ports(1000, 52000, 3).empty());   // random ports (--random-fully): no guess is worth sending
  CHECK(predict_ports(65534, 65535, 3).empty());  // never past the last port
}

TEST_CASE("candidate lists keep the IPv4 entries that parse, once each, at most sixteen") {
  const auto list =
      parse_candidates("10.0.0.2:5000,garbage,10.0.0.2:5000,[::1]:7,0.0.0.0:9,198.18.1.2:70000,198.18.1.2:6000");
  REQUIRE(list.size() == 2);
  CHECK(endpoint_text(list[0]) == "10.0.0.2:5000");
  CHECK(endpoint_text(list[1]) == "198.18.1.2:6000");
  std::string many;
  for (int i = 1; i <= 40; ++i) many += "10.0.0." + std::to_string(i) + ":1,";
  CHECK(parse_candidates(many).size() == 16);
  CHECK(parse_candidates("").empty());
  CHECK(join(parse_candidates("1.2.3.4:5,6.7.8.9:10")) == "1.2.3.4:5,6.7.8.9:10");
}
