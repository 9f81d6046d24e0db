#include <catch2/catch.hpp>
#include <telepane/core/session/multiplexer.hpp>

using namespace telepane::core::session;

namespace {
constexpr uint16_t kInput = 1, kControl = 2, kVideo = 10, kFiles = 20, kTunnel = 21;

Multiplexer mux() {
  Multiplexer m;
  m.open(kInput, {Priority::Input});
  m.open(kControl, {Priority::Control});
  m.open(kVideo, {Priority::Video, /*latest_wins=*/true});
  m.open(kFiles, {Priority::Bulk, false, 8u << 20, 16384});
  m.open(kTunnel, {Priority::Bulk, false, 8u << 20, 16384});
  return m;
}
uint16_t channel_of(const Bytes& record) {
  return decode_record(record).channel;
}
}  // namespace

TEST_CASE("a keystroke queued behind a large file block goes out after at most one fragment") {
  Multiplexer m = mux();
  m.enqueue(kFiles, Bytes(1u << 20, 7));  // 1 MiB: 64 fragments of 16 KiB
  REQUIRE(channel_of(*m.next_record()) == kFiles);
  m.enqueue(kInput, Bytes{'k'});
  CHECK(channel_of(*m.next_record()) == kInput);
  CHECK(channel_of(*m.next_record()) == kFiles);
}

TEST_CASE("priority order: input > control > video > bulk") {
  Multiplexer m = mux();
  m.enqueue(kFiles, Bytes(10, 1));
  m.enqueue(kVideo, Bytes(10, 2));
  m.enqueue(kControl, Bytes(10, 3));
  m.enqueue(kInput, Bytes(10, 4));
  std::vector<uint16_t> order;
  while (auto r = m.next_record()) order.push_back(channel_of(*r));
  CHECK(order == std::vector<uint16_t>{kInput, kControl, kVideo, kFiles});
  CHECK(m.queued_bytes() == 0);
}

TEST_CASE("channels of one priority share it fairly") {
  Multiplexer m = mux();
  m.enqueue(kFiles, Bytes(16384 * 3, 1));
  m.enqueue(kTunnel, Bytes(16384 * 3, 2));
  std::vector<uint16_t> order;
  while (auto r = m.next_record()) order.push_back(channel_of(*r));
  CHECK(order == std::vector<uint16_t>{kFiles, kTunnel, kFiles, kTunnel, kFiles, kTunnel});
}

TEST_CASE("latest-wins: a new frame replaces stale queued ones but never a half-sent one") {
  Multiplexer m;
  m.open(kVideo, {Priority::Video, true, 8u << 20, 1000});
  Demultiplexer d;
  d.open(kVideo, 1u << 20);
  std::vector<Bytes> delivered;
  auto pump_one = [&] {
    if (auto msg = d.feed(decode_record(*m.next_record()))) delivered.push_back(msg->second);
  };
  m.enqueue(kVideo, Bytes(2500, 1));
  pump_one();  // frame 1 is now half sent
  CHECK(m.enqueue(kVideo, Bytes(10, 2)) == Multiplexer::Enqueue::Queued);
  CHECK(m.enqueue(kVideo, Bytes(10, 3)) == Multiplexer::Enqueue::Replaced);  // frame 2 never started: dropped
  while (auto r = m.next_record())
    if (auto msg = d.feed(decode_record(*r))) delivered.push_back(msg->second);
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0] == Bytes(2500, 1));  // finished, because the receiver was already assembling it
  CHECK(delivered[1] == Bytes(10, 3));    // the latest; the stale one in between never went out
  CHECK(m.queued_bytes() == 0);
}

TEST_CASE("a full queue refuses instead of growing") {
  Multiplexer m;
  m.open(kFiles, {Priority::Bulk, false, 100, 16384});
  CHECK(m.enqueue(kFiles, Bytes(80, 1)) == Multiplexer::Enqueue::Queued);
  CHECK(m.enqueue(kFiles, Bytes(30, 1)) == Multiplexer::Enqueue::Full);
  CHECK(m.queued_bytes() == 80);
  CHECK_THROWS_WITH(m.enqueue(99, Bytes{}), "channel 99 is not open");
}

TEST_CASE("the receiver reassembles interleaved messages exactly and enforces its limits") {
  Multiplexer m = mux();
  Demultiplexer d;
  for (uint16_t ch : {kInput, kControl, kVideo, kFiles, kTunnel}) d.open(ch, 4u << 20);
  Bytes file(200000), tunnel(50000);
  for (std::size_t i = 0; i < file.size(); ++i) file[i] = uint8_t(i * 7);
  for (std::size_t i = 0; i < tunnel.size(); ++i) tunnel[i] = uint8_t(i * 13);
  m.enqueue(kFiles, file);
  m.enqueue(kTunnel, tunnel);
  m.enqueue(kControl, Bytes{});  // empty messages are messages too
  std::map<uint16_t, Bytes> got;
  while (auto r = m.next_record())
    if (auto msg = d.feed(decode_record(*r))) got[msg->first] = msg->second;
  CHECK(got[kFiles] == file);
  CHECK(got[kTunnel] == tunnel);
  CHECK(got.count(kControl) == 1);

  Demultiplexer small;
  small.open(kFiles, 1000);
  CHECK_FALSE(small.feed(Record{kFiles, false, Bytes(600, 0)}));
  CHECK_THROWS_WITH(small.feed(Record{kFiles, true, Bytes(600, 0)}),
                    "a message on channel 20 exceeds its limit of 1000 bytes");
  CHECK_THROWS_WITH(small.feed(Record{77, true, {}}), "data on channel 77, which is not open");
}
