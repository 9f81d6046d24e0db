// The screen service's two ends in one process with the real capture (test pattern) and codec plugins, joined by
// in-order pipes that can drop or corrupt messages: pictures flow and decode with capture times; a corrupt packet
// is a decoder error, a keyframe request and a recovery; withheld acknowledgements bound the frames in flight;
// a still screen stops sending; and a host that cannot stream says why.
#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/media/screen_host.hpp>
#include <telepane/core/media/screen_viewer.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>

#include "proto/screen.pb.h"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <deque>
#include <thread>

using namespace telepane::core;
using namespace telepane::core::media;
using namespace std::chrono_literals;

namespace {
// One direction of a session: messages sent on one end reach the other end's service in order, on the pipe's own
// thread (as the session worker would deliver them). `filter` sees each message first: false drops it.
class Pipe final : public session::ServiceEndpoint {
 public:
  explicit Pipe(bool host) : host_(host), thread_([this] { run(); }) {}
  ~Pipe() override { stop(); }
  void stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void deliver_to(session::SessionService* to) {
    std::lock_guard lock(mu_);
    to_ = to;
    cv_.notify_all();
  }
  void send(session::Bytes m) override {
    std::lock_guard lock(mu_);
    if (filter && !filter(m)) return;
    queue_.push_back(std::move(m));
    cv_.notify_all();
  }
  void close(const std::string& reason) override {
    std::lock_guard lock(mu_);
    closed = reason;
  }
  bool is_host() const override { return host_; }
  std::function<bool(session::Bytes&)> filter;  // [under the pipe's lock]
  std::string closed;

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || (to_ != nullptr && !queue_.empty()); });
      if (stop_) return;
      auto m = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      to_->on_message(m);
      lock.lock();
    }
  }
  bool host_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<session::Bytes> queue_;
  session::SessionService* to_ = nullptr;
  bool stop_ = false;
  std::thread thread_;
};

telepane::screen::Message parse(const session::Bytes& m) {
  telepane::screen::Message out;
  REQUIRE(out.ParseFromArray(m.data(), int(m.size())));
  return out;
}

struct Plugins {
  Logger logger{[](LogLevel, const std::string&) {}, LogLevel::Error};
  ThreadPool pool{2};
  EventBus bus{logger};
  plugins::PluginManager manager{{logger, bus, pool}};
  explicit Plugins(bool motion = true) {
    manager.discover({TELEPANE_PLUGIN_DIR});
    plugins::Selection only;
    only.enable = std::vector<std::string>{"org.telepane.capture.testpattern", "org.telepane.codec.vpx",
                                           "org.telepane.codec.h264", "org.telepane.codec.raw"};
    manager.load(only, [motion](const std::string& id) {
      config::Value v = config::Value::map({});
      if (id == "org.telepane.capture.testpattern") {
        v.set("width", config::Value::scalar("320", false, {}));
        v.set("height", config::Value::scalar("240", false, {}));
        v.set("motion", config::Value::scalar(motion ? "true" : "false", false, {}));
      }
      return v;
    });
  }
  plugins::FeatureRef feature(tp_kind kind, const std::string& name) {
    auto f = manager.feature(kind, name);
    REQUIRE(f);
    return *f;
  }
};

// A host and a viewer service joined by two pipes.
struct Stream {
  Pipe to_viewer{true}, to_host{false};
  std::shared_ptr<ScreenStats> stats = std::make_shared<ScreenStats>();
  std::vector<std::string> unavailable;
  std::mutex mu;
  std::unique_ptr<session::SessionService> host, viewer;

  Stream(Plugins& p, const std::string& codec, bool with_capture = true) {
    ScreenHostConfig hc;
    if (with_capture) hc.capture = p.feature(TP_KIND_CAPTURE, "testpattern");
    hc.encoders = {p.feature(TP_KIND_ENCODER, codec)};
    hc.max_fps = 30;
    ScreenViewerConfig vc;
    for (const auto& d : p.manager.features(TP_KIND_DECODER)) vc.decoders.push_back(d);
    vc.stats = stats;
    vc.on_unavailable = [this](const std::string& why) {
      std::lock_guard lock(mu);
      unavailable.push_back(why);
    };
    host = screen_host_service(hc, p.logger).create(to_viewer);
    viewer = screen_viewer_service(vc, p.logger).create(to_host);
    to_host.deliver_to(host.get());
    to_viewer.deliver_to(viewer.get());
  }
  ~Stream() {
    to_viewer.stop();
    to_host.stop();
  }
  template <class Pred>
  bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
    for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
};
}  // namespace

TEST_CASE("pictures flow from capture to decoder with their capture times, for each codec") {
  Plugins p;
  for (const std::string codec : {"vp9", "vp8", "h264", "raw"}) {
    INFO(codec);
    Stream s(p, codec);
    REQUIRE(s.eventually([&] { return s.stats->summary().frames >= 20; }));
    const auto sum = s.stats->summary();
    CHECK(sum.stream.codec == codec);
    CHECK(sum.stream.width == 320);
    CHECK(sum.stream.height == 240);
    CHECK(sum.decode_errors == 0);
    CHECK(sum.latency_samples > 0);
    CHECK(sum.latency_p50 > 0);  // capture times came through and were put on this clock
    CHECK(s.to_host.closed.empty());
    CHECK(s.to_viewer.closed.empty());
  }
}

TEST_CASE("a corrupt video packet: decoder error, keyframe request, and the picture recovers") {
  Plugins p;
  for (const std::string codec : {"vp9", "vp8"}) {
    INFO(codec);
    Stream s(p, codec);
    int corrupted = 0;
    s.to_viewer.filter = [&](session::Bytes& m) {
      auto msg = parse(m);
      if (msg.has_frame() && msg.frame().number() == 10 && !msg.frame().keyframe()) {
        msg.mutable_frame()->set_data(std::string(msg.frame().data().size(), '\xA5'));  // garbage of the same size
        m.resize(msg.ByteSizeLong());
        msg.SerializeToArray(m.data(), int(m.size()));
        ++corrupted;
      }
      return true;
    };
    REQUIRE(s.eventually([&] { return s.stats->summary().decode_errors >= 1; }));
    const auto at_error = s.stats->summary();
    CHECK(at_error.keyframe_requests >= 1);
    // Frames decode again: the host answered with a keyframe.
    REQUIRE(s.eventually([&] { return s.stats->summary().frames >= at_error.frames + 10; }));
    CHECK(s.to_host.closed.empty());
  }
}

TEST_CASE("acknowledgements withheld: frames in flight stay bounded, and the stream resumes when they come") {
  Plugins p;
  Stream s(p, "vp9");
  REQUIRE(s.eventually([&] { return s.stats->summary().frames >= 5; }));
  std::atomic<bool> hold{true};
  s.to_host.filter = [&](session::Bytes& m) { return !(hold && parse(m).has_ack()); };
  std::this_thread::sleep_for(300ms);  // whatever was in flight lands
  const auto before = s.stats->summary().frames;
  std::this_thread::sleep_for(1500ms);
  const auto held = s.stats->summary().frames - before;
  // At 30 fps that is 45 pictures; the host sends the flight's few, and a few more as unanswered ones expire.
  CHECK(held <= 10);
  hold = false;
  const auto resumed = s.stats->summary().frames;
  REQUIRE(s.eventually([&] { return s.stats->summary().frames >= resumed + 15; }));
}

TEST_CASE("a still screen: after the first picture and its refinements, nothing is sent") {
  Plugins p(/*motion=*/false);
  Stream s(p, "vp9");
  REQUIRE(s.eventually([&] { return s.stats->summary().frames >= 1; }));
  std::this_thread::sleep_for(1500ms);  // the refinements of the settled picture
  const auto settled = s.stats->summary();
  CHECK(settled.frames <= 1 + 2);
  std::this_thread::sleep_for(1500ms);
  const auto later = s.stats->summary();
  CHECK(later.frames == settled.frames);
  CHECK(later.bytes == settled.bytes);
}

TEST_CASE("a host that cannot stream tells the viewer why, and the session goes on") {
  Plugins p;
  SECTION("no capture") {
    Stream s(p, "vp9", /*with_capture=*/false);
    REQUIRE(s.eventually([&] {
      std::lock_guard lock(s.mu);
      return !s.unavailable.empty();
    }));
    CHECK(s.unavailable[0] == "this host has no screen capture enabled");
    CHECK(s.to_host.closed.empty());
  }
  SECTION("no codec in common") {
    ScreenHostConfig hc;
    hc.capture = p.feature(TP_KIND_CAPTURE, "testpattern");
    hc.encoders = {p.feature(TP_KIND_ENCODER, "h264")};
    ScreenViewerConfig vc;
    vc.decoders = {p.feature(TP_KIND_DECODER, "vp9")};
    std::string why;
    vc.on_unavailable = [&](const std::string& w) { why = w; };
    Pipe to_viewer(true), to_host(false);
    auto host = screen_host_service(hc, p.logger).create(to_viewer);
    auto viewer = screen_viewer_service(vc, p.logger).create(to_host);
    to_host.deliver_to(host.get());
    to_viewer.deliver_to(viewer.get());
    for (int i = 0; i < 500 && why.empty(); ++i) std::this_thread::sleep_for(10ms);
    to_viewer.stop();
    to_host.stop();
    CHECK(why == "no video codec both sides have (host: h264; viewer: vp9)");
  }
}

TEST_CASE("a malformed screen message breaks the protocol, named") {
  Plugins p;
  Stream s(p, "vp9");
  const session::Bytes junk = {0xff, 0xff, 0xff};
  CHECK_THROWS_WITH(s.host->on_message(junk), "a screen message that does not parse");
  telepane::screen::Message start;
  start.mutable_stream_start()->set_codec("vp9");
  start.mutable_stream_start()->set_width(100000);
  start.mutable_stream_start()->set_height(10);
  session::Bytes bytes(start.ByteSizeLong());
  start.SerializeToArray(bytes.data(), int(bytes.size()));
  CHECK_THROWS_WITH(s.viewer->on_message(bytes), "a stream start without a codec or with a picture size out of range");
}

TEST_CASE("the viewer changes frame rate, quality and codec mid-stream, and what the host cannot do is refused") {
  Plugins p;
  ScreenHostConfig hc;
  hc.capture = p.feature(TP_KIND_CAPTURE, "testpattern");
  hc.encoders = {p.feature(TP_KIND_ENCODER, "vp9"), p.feature(TP_KIND_ENCODER, "h264")};
  hc.codec_preference = {"vp9"};
  hc.max_fps = 30;
  auto stats = std::make_shared<ScreenStats>();
  auto remote = std::make_shared<ScreenRemote>();
  std::mutex mu;
  std::vector<std::string> refused;
  ScreenViewerConfig vc;
  for (const auto& d : p.manager.features(TP_KIND_DECODER)) vc.decoders.push_back(d);
  vc.stats = stats;
  vc.remote = remote;
  vc.on_option_refused = [&](const std::string& why) {
    std::lock_guard lock(mu);
    refused.push_back(why);
  };
  Pipe to_viewer(true), to_host(false);
  auto host = screen_host_service(hc, p.logger).create(to_viewer);
  auto viewer = screen_viewer_service(vc, p.logger).create(to_host);
  to_host.deliver_to(host.get());
  to_viewer.deliver_to(viewer.get());
  const auto eventually = [](auto pred) {
    for (auto end = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < end;) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  REQUIRE(eventually([&] { return stats->summary().frames >= 10; }));
  CHECK(stats->summary().stream.codec == "vp9");

  // Another codec: a new stream, decoded, no reconnect.
  REQUIRE(remote->set_options({0, "", "h264"}));
  REQUIRE(eventually([&] { return stats->summary().stream.codec == "h264"; }));
  const auto switched = stats->summary().frames;
  REQUIRE(eventually([&] { return stats->summary().frames >= switched + 10; }));
  CHECK(stats->summary().decode_errors == 0);
  CHECK(stats->summary().streams == 2);

  // A lower frame rate: the moving test pattern (30 fps before) now arrives at about 8.
  REQUIRE(remote->set_options({8, "low", ""}));
  std::this_thread::sleep_for(500ms);
  const auto before = stats->summary().frames;
  std::this_thread::sleep_for(2s);
  const auto in_two_seconds = stats->summary().frames - before;
  CHECK(in_two_seconds >= 8);
  CHECK(in_two_seconds <= 22);

  // What the host cannot do is refused with the reason; the stream goes on.
  REQUIRE(remote->set_options({0, "ultra", "av1"}));
  REQUIRE(eventually([&] {
    std::lock_guard lock(mu);
    return refused.size() == 2;
  }));
  CHECK(refused[0] == "no quality 'ultra' (low, balanced or high)");
  CHECK(refused[1] == "this host cannot stream 'av1' to this viewer (both have: vp9, h264)");
  const auto after = stats->summary().frames;
  REQUIRE(eventually([&] { return stats->summary().frames >= after + 3; }));
  CHECK(to_host.closed.empty());
  to_viewer.stop();
  to_host.stop();
}
