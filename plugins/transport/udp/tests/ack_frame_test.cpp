// Acknowledgement frames and the received-packet ranges behind them.
#include "ack_frame.hpp"

#include <catch2/catch.hpp>

using namespace telepane::transport::udp;

TEST_CASE("received packet numbers merge into ranges newest first") {
  ReceivedPackets r;
  for (uint64_t pn : {0, 1, 2, 5, 6, 4, 9}) CHECK(r.add(pn));
  CHECK_FALSE(r.add(5));
  CHECK(r.ranges() == std::vector<PacketRange>{{9, 9}, {4, 6}, {0, 2}});
  CHECK(r.add(3));  // fills the hole between two ranges: they become one
  CHECK(r.ranges() == std::vector<PacketRange>{{9, 9}, {0, 6}});
  CHECK(r.add(8));
  CHECK(r.add(7));
  CHECK(r.ranges() == std::vector<PacketRange>{{0, 9}});
  CHECK(r.largest() == 9);
}

TEST_CASE("only the newest ranges are kept") {
  ReceivedPackets r;
  for (uint64_t pn = 0; pn < 200; pn += 2) r.add(pn);  // every other packet lost: 100 ranges
  REQUIRE(r.ranges().size() == kMaxAckRanges);
  CHECK(r.ranges().front() == PacketRange{198, 198});
  CHECK(r.ranges().back() == PacketRange{198 - 2 * (kMaxAckRanges - 1), 198 - 2 * (kMaxAckRanges - 1)});
}

TEST_CASE("an acknowledgement survives encoding") {
  AckFrame ack{123456789, 4500, {{100, 120}, {50, 98}, {7, 7}}};
  const auto wire = encode_ack(ack);
  const auto back = decode_ack(wire.data(), wire.size());
  REQUIRE(back);
  CHECK(back->window_limit == 123456789);
  CHECK(back->delay_us == 4500);
  CHECK(back->ranges == ack.ranges);
}

TEST_CASE("malformed acknowledgements are refused") {
  const auto bad = [](AckFrame ack, auto edit) {
    auto wire = encode_ack(ack);
    edit(wire);
    return !decode_ack(wire.data(), wire.size());
  };
  const AckFrame good{1000, 0, {{10, 20}, {1, 5}}};
  CHECK(bad(good, [](auto& w) { w.pop_back(); }));           // short
  CHECK(bad(good, [](auto& w) { w.push_back(0); }));         // trailing bytes
  CHECK(bad(good, [](auto& w) { w[12] = 0; }));              // no range
  CHECK(bad(good, [](auto& w) { w[12] = 200; }));            // more ranges than allowed (and than bytes)
  CHECK(bad(good, [](auto& w) { w[13 + 8 + 3] = 0; }));      // a range of no packets
  CHECK(bad(good, [](auto& w) { w[13 + 8 + 3] = 50; }));     // a range reaching below packet 0
  CHECK(bad({1000, 0, {{1, 5}, {10, 20}}}, [](auto&) {}));   // oldest first
  CHECK(bad({1000, 0, {{10, 20}, {6, 9}}}, [](auto&) {}));   // adjacent ranges must have been one
  CHECK(bad({1000, 0, {{10, 20}, {8, 15}}}, [](auto&) {}));  // overlapping
  CHECK(decode_ack(nullptr, 0) == std::nullopt);
}
