#include <catch2/catch.hpp>
#include <telepane/core/session/failure_limiter.hpp>

using namespace telepane::core::session;
using namespace std::chrono_literals;
using Clock = FailureLimiter::Clock;

TEST_CASE("free attempts, then a doubling wait, capped") {
  FailureLimiter lim({3, 1000ms, 8000ms, 15min, 100});
  const auto t0 = Clock::time_point{} + 1h;
  for (int i = 0; i < 2; ++i) {
    CHECK_FALSE(lim.wait("src:10.0.0.1", t0));
    lim.failure("src:10.0.0.1", t0);
  }
  CHECK_FALSE(lim.wait("src:10.0.0.1", t0));
  lim.failure("src:10.0.0.1", t0);  // the third failure starts the back-off
  CHECK(lim.wait("src:10.0.0.1", t0) == 1000ms);
  CHECK(lim.wait("src:10.0.0.1", t0 + 400ms) == 600ms);
  CHECK_FALSE(lim.wait("src:10.0.0.1", t0 + 1000ms));
  lim.failure("src:10.0.0.1", t0 + 1000ms);
  CHECK(lim.wait("src:10.0.0.1", t0 + 1000ms) == 2000ms);
  for (int i = 0; i < 10; ++i) lim.failure("src:10.0.0.1", t0 + 2s);
  CHECK(lim.wait("src:10.0.0.1", t0 + 2s) == 8000ms);  // capped
  CHECK_FALSE(lim.wait("src:10.0.0.2", t0));           // other keys are unaffected
}

TEST_CASE("success and a quiet spell forget a key") {
  FailureLimiter lim({1, 1000ms, 8000ms, 10min, 100});
  const auto t0 = Clock::time_point{} + 1h;
  lim.failure("id:123456789", t0);
  CHECK(lim.wait("id:123456789", t0));
  lim.success("id:123456789");
  CHECK_FALSE(lim.wait("id:123456789", t0));
  lim.failure("id:123456789", t0);
  CHECK(lim.wait("id:123456789", t0));
  CHECK_FALSE(lim.wait("id:123456789", t0 + 10min));
  CHECK(lim.keys() == 0);
}

TEST_CASE("a flood of sources keeps memory bounded, dropping the stalest") {
  FailureLimiter lim({1, 1000ms, 8000ms, 15min, 1000});
  const auto t0 = Clock::time_point{} + 1h;
  for (int i = 0; i < 5000; ++i) lim.failure("src:" + std::to_string(i), t0 + std::chrono::milliseconds(i));
  CHECK(lim.keys() == 1000);
  CHECK(lim.wait("src:4999", t0 + 5s));     // the newest are still limited
  CHECK_FALSE(lim.wait("src:0", t0 + 5s));  // the oldest were forgotten
}
