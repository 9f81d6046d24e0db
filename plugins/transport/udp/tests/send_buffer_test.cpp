// The sender's stream bytes: read back across chunks, acknowledged out of order, freed in order.
#include "send_buffer.hpp"

#include <catch2/catch.hpp>

#include <numeric>

using namespace telepane::transport::udp;

namespace {
std::vector<uint8_t> bytes(uint8_t first, std::size_t n) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}
}  // namespace

TEST_CASE("bytes are read back across chunk boundaries") {
  SendBuffer b;
  b.append(bytes(0, 10));
  b.append({});
  b.append(bytes(10, 5));
  b.append(bytes(15, 20));
  CHECK(b.end() == 35);
  std::vector<uint8_t> out(30);
  b.copy(3, 30, out.data());
  CHECK(out == bytes(3, 30));
}

TEST_CASE("acknowledgements out of order free the prefix once it is whole") {
  SendBuffer b;
  b.append(bytes(0, 10));
  b.append(bytes(10, 10));
  b.append(bytes(20, 10));
  b.acknowledge(10, 10);
  CHECK(b.acked_prefix() == 0);
  CHECK(b.unacked_part(5, 20) == std::pair<uint64_t, std::size_t>{5, 5});
  CHECK(b.unacked_part(12, 5) == std::nullopt);
  CHECK(b.unacked_part(15, 10) == std::pair<uint64_t, std::size_t>{20, 5});
  b.acknowledge(0, 10);
  CHECK(b.acked_prefix() == 20);
  CHECK(b.held_bytes() == 10);
  b.acknowledge(0, 25);  // overlaps what was freed
  CHECK(b.acked_prefix() == 25);
  std::vector<uint8_t> out(5);
  b.copy(25, 5, out.data());
  CHECK(out == bytes(25, 5));
  b.acknowledge(25, 5);
  CHECK(b.held_bytes() == 0);
  CHECK(b.unacked_part(0, 30) == std::nullopt);
}

TEST_CASE("touching and overlapping acknowledged ranges merge") {
  SendBuffer b;
  b.append(bytes(0, 100));
  b.acknowledge(10, 10);
  b.acknowledge(30, 10);
  b.acknowledge(20, 10);  // touches both
  CHECK(b.unacked_part(10, 30) == std::nullopt);
  CHECK(b.unacked_part(0, 100) == std::pair<uint64_t, std::size_t>{0, 10});
  CHECK(b.unacked_part(15, 60) == std::pair<uint64_t, std::size_t>{40, 35});
  b.acknowledge(5, 50);
  b.acknowledge(0, 5);
  CHECK(b.acked_prefix() == 55);
}
