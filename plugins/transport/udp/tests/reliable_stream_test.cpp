// The udp transport's reliable stream on simulated paths (sim_path.hpp, virtual time): what it delivers, how late,
// how much of a bottleneck it uses and shares, and what a hostile or dead peer does to it.
#include "sim_path.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace telepane::transport::udp;
using namespace telepane::transport::udp::sim;

namespace {

std::vector<uint8_t> pattern(std::size_t from, std::size_t n) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = uint8_t((from + i) * 7 + (from + i) / 251);
  return v;
}

// Writes `total` bytes at once, runs until they arrived (or `limit` passed); the virtual seconds it took.
double bulk(World& w, std::size_t a, std::size_t total, Clock::duration limit) {
  const Time start = w.now;
  for (std::size_t at = 0; at < total; at += 65536)
    w.end(a).stream->write(pattern(at, std::min<std::size_t>(65536, total - at)));
  w.run(start + limit, [&] { return w.end(a + 1).received.size() >= total; });
  return std::chrono::duration<double>(w.now - start).count();
}

// Goodput of a transfer after its first second (startup), in bytes per second of virtual time.
double steady_goodput(World& w, std::size_t a, Clock::duration length) {
  std::size_t written = 0;
  const auto top_up = [&] {
    while (w.end(a).stream->unsent_bytes() < (1 << 20)) {
      w.end(a).stream->write(pattern(written, 65536));
      written += 65536;
    }
  };
  const Time start = w.now;
  for (auto t = start; t < start + length; t += 10ms) w.at(t, top_up);
  w.run(start + 1s);
  const std::size_t before = w.end(a + 1).received.size();
  w.run(start + length);
  return double(w.end(a + 1).received.size() - before) / std::chrono::duration<double>(length - 1s).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

}  // namespace

TEST_CASE("every byte arrives once and in order through 2% loss each way") {
  Bottleneck fwd({.loss = 0.02}, 1), back({.loss = 0.02}, 2);
  World w;
  const auto a = w.connect(fwd, back);
  const std::size_t total = 4 << 20;
  bulk(w, a, total, 60s);
  REQUIRE(w.end(a + 1).received.size() == total);
  CHECK((w.end(a + 1).received == pattern(0, total)));
  CHECK(w.end(a).stream->stats().packets_lost > 0);
  // Both directions at once, on the same pair.
  w.end(a + 1).stream->write(pattern(5, 300000));
  w.end(a).stream->write(pattern(9, 300000));
  w.run(w.now + 30s,
        [&] { return w.end(a).received.size() == 300000 && w.end(a + 1).received.size() == total + 300000; });
  CHECK((w.end(a).received == pattern(5, 300000)));
  CHECK(std::equal(w.end(a + 1).received.begin() + total, w.end(a + 1).received.end(), pattern(9, 300000).begin()));
}

TEST_CASE("video-sized writes on a 20 Mbit/s 50 ms path with 2% loss each way arrive within a few round trips") {
  Bottleneck fwd({.loss = 0.02}, 3), back({.loss = 0.02}, 4);
  World w;
  const auto a = w.connect(fwd, back);
  // 30 frames a second of 16 KiB (about 4 Mbit/s) for 20 s; each frame's latency: written to wholly delivered.
  const std::size_t frame = 16384;
  std::vector<Time> written;
  std::vector<double> latency_ms;
  const Time start = w.now;
  for (int i = 0; i < 600; ++i) {
    w.at(start + i * 33333us, [&, i] {
      written.push_back(w.now);
      w.end(a).stream->write(pattern(std::size_t(i) * frame, frame));
    });
  }
  w.end(a + 1).on_received = [&](std::size_t total) {
    while (latency_ms.size() < written.size() && (latency_ms.size() + 1) * frame <= total)
      latency_ms.push_back(std::chrono::duration<double, std::milli>(w.now - written[latency_ms.size()]).count());
  };
  w.run(start + 30s, [&] { return latency_ms.size() == 600; });
  REQUIRE(latency_ms.size() == 600);
  const double p50 = percentile(latency_ms, 0.5), p95 = percentile(latency_ms, 0.95), worst = percentile(latency_ms, 1);
  INFO("p50 " << p50 << " ms, p95 " << p95 << " ms, max " << worst << " ms; lost "
              << w.end(a).stream->stats().packets_lost << " of " << w.end(a).stream->stats().packets_sent);
  CHECK(p50 < 70);   // a one-way trip and the frame's own serialization: ~32 ms
  CHECK(p95 < 150);  // a loss costs about a round trip and a half
  CHECK(worst < 300);
}

TEST_CASE("a clean bottleneck is filled and a lossy one mostly") {
  for (double loss : {0.0, 0.02}) {
    Bottleneck fwd({.loss = loss}, 5), back({.loss = loss}, 6);
    World w;
    const auto a = w.connect(fwd, back);
    const double goodput = steady_goodput(w, a, 20s);
    INFO("loss " << loss << ": " << goodput * 8 / 1e6 << " Mbit/s of 20");
    CHECK(goodput > 2.5e6 * (loss == 0 ? 0.9 : 0.8));
  }
}

TEST_CASE("two links through one bottleneck share it") {
  Bottleneck fwd({}, 7), back({}, 8);
  World w;
  const auto a = w.connect(fwd, back);
  const auto b = w.connect(fwd, back);
  std::size_t written_a = 0, written_b = 0;
  const auto top_up = [&](std::size_t end, std::size_t& written) {
    while (w.end(end).stream->unsent_bytes() < (1 << 20)) {
      w.end(end).stream->write(pattern(written, 65536));
      written += 65536;
    }
  };
  const Time start = w.now;
  for (auto t = start; t < start + 40s; t += 10ms) w.at(t, [&] { top_up(a, written_a); });
  // The second link starts 2 s later, when the first one has the path to itself.
  for (auto t = start + 2s; t < start + 40s; t += 10ms) w.at(t, [&] { top_up(b, written_b); });
  w.run(start + 10s);
  const std::size_t a0 = w.end(a + 1).received.size(), b0 = w.end(b + 1).received.size();
  w.run(start + 40s);
  const double got_a = double(w.end(a + 1).received.size() - a0), got_b = double(w.end(b + 1).received.size() - b0);
  const double share = got_a / (got_a + got_b);
  INFO("share of the first link " << share << ", together " << (got_a + got_b) / 30 * 8 / 1e6 << " Mbit/s");
  CHECK(share > 0.3);
  CHECK(share < 0.7);
  CHECK((got_a + got_b) / 30 > 2.5e6 * 0.85);
}

TEST_CASE("a path that refuses large datagrams gets smaller ones") {
  Bottleneck fwd({}, 9), back({}, 10);
  World w;
  const auto a = w.connect(fwd, back);
  w.end(a).max_datagram = 900;
  bulk(w, a, 500000, 20s);
  CHECK((w.end(a + 1).received == pattern(0, 500000)));
}

TEST_CASE("a peer that went silent stalls the stream instead of retrying forever") {
  Bottleneck fwd({.loss = 1.0}, 11), back({.loss = 1.0}, 12);
  World w;
  const auto a = w.connect(fwd, back);
  w.end(a).stream->write(pattern(0, 10000));
  w.run(w.now + 60s, [&] { return w.end(a).stream->stalled(); });
  CHECK(w.end(a).stream->stalled());
  CHECK(w.end(a).stream->stats().probe_timeouts >= 8);
  CHECK(w.now < Time{} + 1s + 20s);  // bounded: the doubling stops at 2 s
}

TEST_CASE("forged and garbage datagrams are refused and change nothing") {
  Bottleneck fwd({}, 13), back({}, 14);
  World w;
  const auto a = w.connect(fwd, back);
  auto& sender = *w.end(a).stream;
  sender.write(pattern(0, 100000));
  w.run(w.now + 20ms);  // part of it in flight
  // An acknowledgement of packets never sent.
  const auto forged = encode_ack({1u << 30, 0, {{1000000, 1000000}}});
  CHECK_FALSE(sender.on_datagram(Kind::Ack, forged.data(), forged.size(), w.now));
  std::mt19937 rng(15);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> junk(rng() % 80);
    for (auto& b : junk) b = uint8_t(rng());
    if (i % 2 && junk.size() > 12) junk[12] = uint8_t(1 + rng() % 3);  // plausible range counts
    sender.on_datagram(i % 3 ? Kind::Ack : Kind::Data, junk.data(), junk.size(), w.now);
  }
  // Garbage DATA went to the sender's receiving side; the transfer the other way is whole and exact.
  w.run(w.now + 10s, [&] { return w.end(a + 1).received.size() >= 100000; });
  CHECK((w.end(a + 1).received == pattern(0, 100000)));
}

TEST_CASE("a probe's copy that is lost after the original was acknowledged does not stall an idle stream") {
  // Acknowledgements take 400 ms back, so the probe timeout fires first and sends a copy; the copy is lost, the
  // original's acknowledgement arrives. Nothing is left to acknowledge the copy: it must leave flight quietly.
  Bottleneck fwd({}, 16), back({.delay = 400ms}, 17);
  World w;
  const auto a = w.connect(fwd, back);
  w.end(a).stream->write(pattern(0, 100));
  w.at(w.now + 100ms, [&] { fwd.set_loss(1.0); });
  w.run(w.now + 60s, [&] { return w.end(a).stream->stalled(); });
  CHECK(w.end(a + 1).received == pattern(0, 100));
  CHECK(w.end(a).stream->stats().probe_timeouts >= 1);
  CHECK_FALSE(w.end(a).stream->stalled());
  CHECK(w.end(a).stream->stats().in_flight == 0);
}

TEST_CASE("a hostile peer cannot grow the receiver's memory or silence its acknowledgements") {
  Bottleneck fwd({}, 18), back({}, 19);
  World w;
  ReliableStream::Settings settings;
  settings.window_bytes = 65536;
  const auto a = w.connect(fwd, back, settings);
  auto& victim = *w.end(a + 1).stream;
  // One-byte pieces at every other offset ahead of a hole: each costs more than its byte, and the total is capped.
  std::vector<uint8_t> piece(ReliableStream::kDataOverhead + 1, 0x5A);
  for (uint64_t i = 0; i < 200000; ++i) {
    put_be<uint64_t>(piece.data(), 500000 + i);  // numbers the real sender has not reached: atop every ack
    put_be<uint64_t>(piece.data() + 8, 1 + 2 * (i % 30000));
    victim.on_datagram(Kind::Data, piece.data(), piece.size(), w.now);
  }
  CHECK(victim.stats().held_out_of_order <= 2 * settings.window_bytes);
  CHECK(victim.stats().out_of_order_pieces * 64 <= 2 * settings.window_bytes);
  // A packet number far beyond anything sent would top every acknowledgement: refused.
  put_be<uint64_t>(piece.data(), UINT64_MAX);
  CHECK_FALSE(victim.on_datagram(Kind::Data, piece.data(), piece.size(), w.now));
  // The real sender's bytes still arrive (the hole at offset 0 is its to fill, and its packets pass every forged
  // piece), and its acknowledgements, topped by the forged numbers, still acknowledge what it sent.
  w.end(a).stream->write(pattern(0, 200000));
  w.run(w.now + 20s, [&] { return w.end(a + 1).received.size() >= 200000; });
  CHECK((w.end(a + 1).received == pattern(0, 200000)));
  CHECK(w.end(a).stream->stats().probe_timeouts == 0);
}
