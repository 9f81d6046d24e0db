// Rate control on acknowledgements alone, on a simulated clock: the flight is bounded by the path plus two frames,
// a growing queue cuts the target below what was received, a short one lets it climb, and lost acks expire.
#include <telepane/core/media/rate_controller.hpp>

#include <catch2/catch.hpp>

using telepane::core::media::RateController;
using telepane::core::media::RateSettings;
using namespace std::chrono_literals;
using Clock = RateController::Clock;

TEST_CASE("frames in flight: the path's round trip in frames plus two, never more") {
  RateController rc({4000, 200, 30000});
  auto t = Clock::time_point{} + 100s;
  // No round trip known yet: one frame for the path and two of slack.
  for (uint64_t n = 1; n <= 3; ++n) {
    REQUIRE(rc.may_send(30, t));
    rc.on_sent(n, 10000, t);
  }
  CHECK_FALSE(rc.may_send(30, t));
  // A 100 ms path at 30 fps holds three frames more.
  rc.on_ack(1, t + 100ms);
  CHECK(rc.base_rtt() == 100ms);
  t += 100ms;
  int sent = 0;
  for (uint64_t n = 4; rc.may_send(30, t); ++n, ++sent) rc.on_sent(n, 10000, t);
  CHECK(rc.frames_in_flight() == 6);  // 100 ms / 33 ms = 3, + 1, + 2
}

TEST_CASE("a queue that grows cuts the target below the received rate, a short one lets it climb") {
  RateController rc({8000, 200, 30000});
  auto t = Clock::time_point{} + 100s;
  uint64_t n = 0;
  // 40 ms path, 30 fps, 25 KB frames (6 Mbit/s): the round trip grows by 10 ms a frame as a queue builds.
  for (int i = 0; i < 60; ++i) {
    rc.on_sent(++n, 25000, t);
    rc.on_ack(n, t + 40ms + std::chrono::milliseconds(i * 10));
    t += 33ms;
  }
  CHECK(rc.bitrate_kbps() < 6000);
  CHECK(rc.bitrate_kbps() >= 200);
  const auto cut = rc.bitrate_kbps();
  // The queue drains: round trips back at the base, the target climbs again.
  t += 10s;
  for (int i = 0; i < 60; ++i) {
    rc.on_sent(++n, 2000, t);
    rc.on_ack(n, t + 40ms);
    t += 33ms;
  }
  CHECK(rc.bitrate_kbps() > cut);
}

TEST_CASE("acknowledgements that never come expire: the stream goes on and the target halves") {
  RateController rc({4000, 200, 30000});
  auto t = Clock::time_point{} + 100s;
  for (uint64_t n = 1; n <= 3; ++n) rc.on_sent(n, 1000, t);
  CHECK_FALSE(rc.may_send(30, t + 500ms));
  CHECK(rc.may_send(30, t + 1100ms));
  CHECK(rc.frames_lost() == 3);
  CHECK(rc.bitrate_kbps() == 2000);
  // A late ack for a forgotten frame teaches nothing and breaks nothing.
  rc.on_ack(2, t + 1200ms);
  CHECK(rc.frames_in_flight() == 0);
}

TEST_CASE("the target stays inside the configured range") {
  RateController rc({100, 300, 500});
  CHECK(rc.bitrate_kbps() == 300);
  auto t = Clock::time_point{} + 100s;
  for (uint64_t n = 1; n <= 100; ++n) {
    rc.on_sent(n, 100, t);
    rc.on_ack(n, t + 1ms);
    t += 300ms;
  }
  CHECK(rc.bitrate_kbps() == 500);
}
