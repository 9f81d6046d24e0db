#include "desktop/viewer_controller.hpp"

#include "desktop/address_book.hpp"
#include "session/screen_setup.hpp"

#include <telepane/sdk/app_events.hpp>

#include <cstddef>
#include <cstdio>
#include <iostream>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;
using sdk::app::Fields;

ViewerController::ViewerController(core::Runtime& rt, const ci::Identity& me, std::optional<RendezvousServer> server,
                                   core::plugins::FeatureRef frontend, AddressBook& book)
    : rt_(rt), me_(me), server_(std::move(server)), frontend_(std::move(frontend)), book_(book) {
  for (const auto& d : rt.plugins().features(TP_KIND_DECODER))
    if (codecs_.find(d.feature->name) == std::string::npos) codecs_ += (codecs_.empty() ? "" : ",") + d.feature->name;
  publish_state("idle");
}

ViewerController::~ViewerController() {
  stop_worker();
}

void ViewerController::stop_worker() {
  {
    std::lock_guard lock(mu_);
    close_requested_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ViewerController::connect(const std::string& id, const std::string& password) {
  stop_worker();
  std::lock_guard lock(mu_);
  close_requested_ = false;
  worker_ = std::thread([this, id, password] { run(id, password); });
}

void ViewerController::close() {
  std::lock_guard lock(mu_);
  close_requested_ = true;
  cv_.notify_all();
}

void ViewerController::select_display(uint32_t index) {
  std::shared_ptr<core::media::ScreenRemote> remote;
  {
    std::lock_guard lock(mu_);
    remote = remote_;
  }
  if (!remote || !remote->select_display(index))
    rt_.bus().publish(sdk::app::kNotice, Fields().set("level", "error").set("message", "no screen to switch").encode());
}

void ViewerController::set_stream(const core::media::StreamRequest& request) {
  std::shared_ptr<core::media::ScreenRemote> remote;
  {
    std::lock_guard lock(mu_);
    remote = remote_;
  }
  if (!remote || !remote->set_options(request))
    rt_.bus().publish(sdk::app::kNotice, Fields().set("level", "error").set("message", "no screen to change").encode());
}

void ViewerController::republish() {
  std::string state;
  {
    std::lock_guard lock(mu_);
    state = last_state_;
  }
  if (!state.empty()) rt_.bus().publish(sdk::app::kViewerState, state);
}

void ViewerController::publish_state(const std::string& state, const std::string& message) {
  Fields f;
  std::string encoded;
  {
    std::lock_guard lock(mu_);
    f.set("state", state).set("peer", peer_).set("path", path_).set("message", message).set("codecs", codecs_);
    encoded = last_state_ = f.encode();
  }
  rt_.bus().publish(sdk::app::kViewerState, encoded);
  // The person reads the window; whoever runs the app (a script, a test, a support log) reads this line.
  if (state != "idle") {
    std::string line = "viewer: " + state + (peer_.empty() ? "" : " " + peer_);
    if (!path_.empty() && state == "connected") line += " (" + path_ + ")";
    if (!message.empty()) line += ": " + message;
    std::cout << line << std::endl;
  }
}

void ViewerController::publish_stats(double fps) {
  std::shared_ptr<core::media::ScreenStats> stats;
  std::string path;
  {
    std::lock_guard lock(mu_);
    stats = stats_;
    path = path_;
  }
  if (!stats) return;
  const auto s = stats->summary();
  char buf[32];
  auto fixed = [&buf](double v) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return std::string(buf);
  };
  Fields f;
  f.set("fps", fixed(fps)).set("mbps", fixed(s.kbps / 1000)).set("p50_ms", fixed(s.latency_p50));
  f.set("p95_ms", fixed(s.latency_p95)).set("p99_ms", fixed(s.latency_p99)).set("codec", s.stream.codec);
  f.set("width", int64_t(s.stream.width)).set("height", int64_t(s.stream.height)).set("path", path);
  f.set("frames", int64_t(s.frames)).set("decode_errors", int64_t(s.decode_errors));
  rt_.bus().publish(sdk::app::kViewerStats, f.encode());
}

void ViewerController::publish_cursor(const core::media::CursorState& c) {
  Fields f;
  f.set("x", c.x).set("y", c.y).set("visible", c.visible ? 1 : 0);
  if (c.shape != last_shape_ && !c.bgra.empty()) {
    last_shape_ = c.shape;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(c.bgra.size() * 2);
    for (uint8_t b : c.bgra) {
      hex += kHex[b >> 4];
      hex += kHex[b & 15];
    }
    f.set("w", int64_t(c.width)).set("h", int64_t(c.height)).set("hot_x", int64_t(c.hot_x));
    f.set("hot_y", int64_t(c.hot_y)).set("bgra", std::move(hex));
  }
  rt_.bus().publish(sdk::app::kViewerCursor, f.encode());
}

void ViewerController::present(const tp_frame& frame) {
  const auto* vt = frontend_.vtable<tp_frontend_vtbl>();
  // A 1.1 frontend's table ends before present: its struct_size says so.
  if (vt->struct_size < offsetof(tp_frontend_vtbl, present) + sizeof(vt->present) || vt->present == nullptr) return;
  try {
    const tp_frame& shown = frame.format == TP_PIXEL_FORMAT_I420 || frame.format == TP_PIXEL_FORMAT_BGRA
                                ? frame
                                : converter_.convert(frame, TP_PIXEL_FORMAT_I420);
    vt->present(frontend_.host, &shown);
  } catch (const std::exception& e) {
    rt_.logger().warn("viewer", std::string("cannot show a picture: ") + e.what());
  }
}

void ViewerController::run(std::string id, std::string password) {
  {
    std::lock_guard lock(mu_);
    peer_ = id;
    path_.clear();
    last_shape_ = 0;
  }
  const auto target = ci::parse_peer_id(id);
  if (!target) return publish_state("failed", "'" + id + "' is not a peer ID (9 digits, or ID@fingerprint)");
  if (!server_)
    return publish_state("failed",
                         "no rendezvous server is set: enter one under Settings (server and key) to find peers by ID");
  publish_state("connecting");
  try {
    auto known = ci::KnownHosts::load(ci::default_known_hosts_file());
    auto cfg = session_config(rt_, me_, /*viewer=*/true);
    if (!cfg.auth) throw std::runtime_error("no password method is loaded (is org.telepane.auth.password enabled?)");
    cfg.secret = password;
    auto stats = std::make_shared<core::media::ScreenStats>();
    auto remote = std::make_shared<core::media::ScreenRemote>();
    ViewerScreenOptions so;
    so.stats = stats;
    so.remote = remote;
    so.notice = [this](const std::string& s) {
      rt_.bus().publish(sdk::app::kNotice, Fields().set("level", "info").set("message", s).encode());
    };
    so.on_option_refused = so.notice;
    so.on_frame = [this](const tp_frame& f) { present(f); };
    so.on_cursor = [this](const core::media::CursorState& c) { publish_cursor(c); };
    try {
      cfg.services.push_back(viewer_screen(rt_, so));
    } catch (const std::exception& e) {
      rt_.logger().warn("viewer", std::string("no screen: ") + e.what());
    }
    ViewerLinkRequest request{*target, server_, "", false};
    auto vl = open_viewer_link(rt_, request, known);
    if (*rt_.core_config().at_path("connect.resume")->as_bool()) cfg.reconnect = vl.reconnect;
    auto presented = std::make_shared<std::string>();
    cfg.secure.check_host_key = host_key_check(request, vl, known, presented);
    {
      std::lock_guard lock(mu_);
      path_ = vl.path;
      stats_ = stats;
      remote_ = remote;
    }
    auto waiting = rt_.bus().subscribe("session.state", rt_.executor(), [this](const core::Event& e) {
      if (e.payload.rfind("waiting: ", 0) == 0) publish_state("waiting", e.payload.substr(9));
    });
    cs::PeerSession session(std::move(cfg), std::move(vl.link), rt_.bus(), rt_.logger());
    bool had_session = false;
    std::optional<std::string> reason;
    uint64_t frames_before = 0;
    auto tick = std::chrono::steady_clock::now();
    while (!(reason = session.wait_closed(std::chrono::milliseconds(0)))) {
      if (!had_session && session.authenticated()) {
        had_session = true;
        if (!known.pinned(target->numeric_id)) known.pin(target->numeric_id, *presented);  // first use: pin the key
        book_.touch(target->numeric_id);
        std::string caps;
        for (auto& c : session.capabilities()) caps += (caps.empty() ? "" : ",") + c;
        publish_state("connected", caps);
        tick = std::chrono::steady_clock::now();
      }
      if (had_session) {
        if (auto up = vl.upgrade->take()) {  // a punch that came through after the relay: move the session there
          session.switch_link(std::move(up->link));
          vl.current->set(up->path);
        }
      }
      {
        std::unique_lock lock(mu_);
        if (cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return close_requested_; })) {
          lock.unlock();
          session.close("the viewer left");
          reason = session.wait_closed(std::chrono::seconds(10));  // once; the session says goodbye and ends
          break;
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (had_session && now - tick >= std::chrono::seconds(1)) {
        {
          std::lock_guard lock(mu_);
          path_ = vl.current->get();  // a resume or an upgrade may have moved the session
        }
        const auto frames = stats->summary().frames;
        publish_stats(double(frames - frames_before) / std::chrono::duration<double>(now - tick).count());
        frames_before = frames;
        tick = now;
      }
    }
    if (!reason) reason = "the viewer left";
    had_session = had_session || session.authenticated();
    {
      std::lock_guard lock(mu_);
      stats_.reset();
      remote_.reset();
    }
    if (!had_session) {
      const bool needs_password = *reason == "the host asks for a password";
      publish_state(needs_password ? "password" : "failed", *reason);
      return;
    }
    publish_state("closed", *reason);
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mu_);
      stats_.reset();
      remote_.reset();
    }
    publish_state("failed", e.what());
  }
}

}  // namespace telepane::app
