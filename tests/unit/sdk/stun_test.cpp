// The SDK's STUN subset against RFC 5769's published sample messages, and what it builds read back by itself.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <telepane/sdk/stun.hpp>

#include <fstream>

namespace stun = telepane::sdk::stun;

namespace {
std::vector<uint8_t> unhex(const std::string& h) {
  std::vector<uint8_t> out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(uint8_t(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}
nlohmann::json vector_named(const std::string& prefix) {
  std::ifstream in(std::string(TELEPANE_TEST_VECTORS_DIR) + "/stun/rfc5769_vectors.json");
  REQUIRE(in);
  const auto all = nlohmann::json::parse(in);
  for (auto& v : all["vectors"])
    if (v["name"].get<std::string>().rfind(prefix, 0) == 0) return v;
  FAIL("no vector " << prefix);
  return {};
}
}  // namespace

TEST_CASE("RFC 5769 sample request: parsed, FINGERPRINT checked, unknown attributes skipped") {
  const auto bytes = unhex(vector_named("2.1")["hex"]);
  const auto m = stun::parse(bytes.data(), bytes.size());
  REQUIRE(m);
  CHECK(m->type == stun::kBindingRequest);
  CHECK(m->has_fingerprint);
  CHECK(!m->mapped);
  auto broken = bytes;
  broken[30] ^= 0x40;  // inside SOFTWARE: the fingerprint no longer matches
  std::string why;
  CHECK(!stun::parse(broken.data(), broken.size(), &why));
  CHECK(why == "STUN FINGERPRINT mismatch");
}

TEST_CASE("RFC 5769 sample responses: the XOR-MAPPED-ADDRESS, IPv4 and IPv6") {
  const auto v4 = unhex(vector_named("2.2")["hex"]);
  const auto m4 = stun::parse(v4.data(), v4.size());
  REQUIRE(m4);
  CHECK(m4->type == stun::kBindingSuccess);
  REQUIRE(m4->mapped);
  CHECK(m4->mapped->text() == "192.0.2.1:32853");
  const auto v6 = unhex(vector_named("2.3")["hex"]);
  const auto m6 = stun::parse(v6.data(), v6.size());
  REQUIRE(m6);
  REQUIRE(m6->mapped);
  CHECK(m6->mapped->text() == "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

TEST_CASE("a built request and answer read back, padded requests are never shorter than their answers") {
  const stun::TransactionId t{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
  const auto request = stun::binding_request(t, true);
  CHECK(request.size() == stun::kMinRequestSize);
  const auto r = stun::parse(request.data(), request.size());
  REQUIRE(r);
  CHECK(r->has_fingerprint);
  CHECK(r->change_port);
  CHECK(!r->change_ip);
  CHECK(r->transaction == t);
  stun::Address worst;  // the largest answer: IPv6 both ways
  worst.v6 = true;
  worst.ip.fill(0xfe);
  worst.port = 65535;
  const auto answer = stun::binding_response(t, worst, worst);
  CHECK(answer.size() <= stun::kMinRequestSize);
  const auto a = stun::parse(answer.data(), answer.size());
  REQUIRE(a);
  CHECK(*a->mapped == worst);
  CHECK(*a->other == worst);
}

TEST_CASE("hostile STUN: wrong lengths, truncated attributes and attributes past FINGERPRINT are refused") {
  const stun::TransactionId t{};
  auto m = stun::binding_request(t);
  std::string why;
  CHECK(!stun::parse(m.data(), m.size() - 4, &why));
  CHECK(why == "STUN length does not match the datagram");
  auto longer = m;
  longer[3] = uint8_t(longer[3] + 4);
  CHECK(!stun::parse(longer.data(), longer.size(), &why));
  auto over = m;  // an attribute claiming more than the message holds
  over[stun::kHeaderSize + 2] = 0xff;
  CHECK(!stun::parse(over.data(), over.size(), &why));
  CHECK(why == "STUN attribute longer than the message");
  auto after = m;  // four more bytes after FINGERPRINT (the length grows, so the fingerprint fails first)
  after.insert(after.end(), {0x80, 0x22, 0, 0});
  after[3] = uint8_t(after[3] + 4);
  CHECK(!stun::parse(after.data(), after.size(), &why));
  const uint8_t tiny[4] = {0, 1, 0, 0};
  CHECK(!stun::parse(tiny, sizeof tiny, &why));
  CHECK(why == "not a STUN message");
}
