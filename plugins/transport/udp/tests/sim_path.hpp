// A simulated path for reliable_stream tests, in virtual time: each direction has a bottleneck of a given rate
// with a drop-tail queue, a one-way delay and random loss from a seeded generator, so every run is the same and
// a test that says "p95 under 150 ms" speaks of the protocol, not of how busy the machine was.
#pragma once

#include "reliable_stream.hpp"

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

namespace telepane::transport::udp::sim {

using Clock = ReliableStream::Clock;
using Time = ReliableStream::Time;
using namespace std::chrono_literals;

struct PathSpec {
  double rate = 2.5e6;            // bytes per second (20 Mbit/s)
  Clock::duration delay = 25ms;   // one way
  double loss = 0;                // each datagram, each way
  Clock::duration queue = 100ms;  // the bottleneck's buffer, as time at its rate
};

// One direction's bottleneck; several streams may share it (fairness tests).
class Bottleneck {
 public:
  Bottleneck(PathSpec spec, uint32_t seed) : spec_(spec), rng_(seed) {}
  void set_loss(double loss) { spec_.loss = loss; }
  // When the datagram arrives, or nullopt when the queue or the dice drop it.
  std::optional<Time> admit(std::size_t bytes, Time now) {
    const auto free_at = std::max(free_at_, now);
    if (free_at - now > spec_.queue) return std::nullopt;
    free_at_ = free_at + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bytes / spec_.rate));
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < spec_.loss) return std::nullopt;
    return free_at_ + spec_.delay;
  }

 private:
  PathSpec spec_;
  std::mt19937 rng_;
  Time free_at_{};
};

// Streams and datagrams in flight, stepped from one event to the next.
class World {
 public:
  struct Endpoint {
    std::unique_ptr<ReliableStream> stream;
    std::vector<uint8_t> received;
    std::function<void(std::size_t)> on_received;  // total bytes received so far
    std::size_t max_datagram = SIZE_MAX;           // bodies above this are refused, as a small MTU would
  };

  Time now = Time{} + 1s;

  // A pair of streams joined through the two bottlenecks (index of the first returned; the second is +1).
  std::size_t connect(Bottleneck& forward, Bottleneck& back, ReliableStream::Settings settings = {}) {
    const std::size_t a = ends_.size();
    ends_.resize(a + 2);
    for (std::size_t i : {a, a + 1}) {
      auto& self = ends_[i];
      Bottleneck& out = i == a ? forward : back;
      const std::size_t peer = i == a ? a + 1 : a;
      ReliableStream::Callbacks cb;
      cb.send = [this, &out, peer, i](Kind kind, const uint8_t* p, std::size_t n) {
        if (n > ends_[i].max_datagram) return false;
        if (auto at = out.admit(n + 40, now)) queue_.emplace(*at, Datagram{peer, kind, {p, p + n}});
        return true;
      };
      cb.deliver = [this, i](const uint8_t* p, std::size_t n) {
        auto& e = ends_[i];
        e.received.insert(e.received.end(), p, p + n);
        if (e.on_received) e.on_received(e.received.size());
      };
      self.stream = std::make_unique<ReliableStream>(settings, std::move(cb), now);
    }
    return a;
  }
  Endpoint& end(std::size_t i) { return ends_[i]; }

  // Runs until `until` (virtual time) or until `done` says so; every stream is flushed after each event.
  void run(Time until, const std::function<bool()>& done = {}) {
    while (now < until && !(done && done())) {
      Time next = until;
      if (!queue_.empty()) next = std::min(next, queue_.begin()->first);
      for (auto& e : ends_)
        if (auto d = e.stream->next_deadline()) next = std::min(next, std::max(*d, now));
      for (auto& t : timers_) next = std::min(next, std::max(t.first, now));
      now = next;
      while (!queue_.empty() && queue_.begin()->first <= now) {
        auto node = queue_.extract(queue_.begin());
        auto& d = node.mapped();
        ends_[d.to].stream->on_datagram(d.kind, d.bytes.data(), d.bytes.size(), now);
      }
      while (!timers_.empty() && timers_.begin()->first <= now) {
        auto node = timers_.extract(timers_.begin());
        node.mapped()();
      }
      for (auto& e : ends_) e.stream->flush(now);
    }
  }
  // Calls fn at virtual time `at` (before the streams flush).
  void at(Time at, std::function<void()> fn) { timers_.emplace(at, std::move(fn)); }

 private:
  struct Datagram {
    std::size_t to;
    Kind kind;
    std::vector<uint8_t> bytes;
  };
  std::vector<Endpoint> ends_;
  std::multimap<Time, Datagram> queue_;
  std::multimap<Time, std::function<void()>> timers_;
};

}  // namespace telepane::transport::udp::sim
