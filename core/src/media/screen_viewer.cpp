#include <telepane/core/media/screen_viewer.hpp>

#include <telepane/core/plugins/plugin_object.hpp>

#include "screen_messages.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>
#include <variant>

namespace telepane::core::media {
using namespace std::chrono_literals;

bool ScreenRemote::select_display(uint32_t index) {
  std::lock_guard lock(mu_);
  if (!select_) return false;
  select_(index);
  return true;
}

bool ScreenRemote::set_options(const StreamRequest& request) {
  std::lock_guard lock(mu_);
  return options_ && options_(request);
}

// Connects a ScreenRemote to one running service for the service's lifetime.
class ScreenRemoteAttachment {
 public:
  ScreenRemoteAttachment(std::shared_ptr<ScreenRemote> remote, std::function<void(uint32_t)> select,
                         std::function<bool(const StreamRequest&)> options)
      : remote_(std::move(remote)) {
    if (!remote_) return;
    std::lock_guard lock(remote_->mu_);
    remote_->select_ = std::move(select);
    remote_->options_ = std::move(options);
  }
  ~ScreenRemoteAttachment() {
    if (!remote_) return;
    std::lock_guard lock(remote_->mu_);
    remote_->select_ = nullptr;
    remote_->options_ = nullptr;
  }
  ScreenRemoteAttachment(const ScreenRemoteAttachment&) = delete;
  ScreenRemoteAttachment& operator=(const ScreenRemoteAttachment&) = delete;

 private:
  std::shared_ptr<ScreenRemote> remote_;
};

namespace {

// Many probes early (one of them likely meets no queue either way, which is the sample that counts), then a few to
// follow drift and a path that got shorter.
constexpr auto kClockProbeEarly = 50ms;
constexpr int kEarlyProbes = 20;
constexpr auto kClockProbeEvery = 1s;
constexpr std::size_t kMaxQueued = 60;  // packets waiting for the decoder; beyond, it starts over at a keyframe

class ScreenViewer final : public session::SessionService {
 public:
  ScreenViewer(std::shared_ptr<const ScreenViewerConfig> cfg, Logger& log, session::ServiceEndpoint& endpoint)
      : config_(std::move(cfg)), cfg_(*config_), log_(log), endpoint_(endpoint) {
    screen::Message hello;
    for (const auto& d : cfg_.decoders) hello.mutable_hello()->add_codecs(d.feature->name);
    hello.mutable_hello()->set_max_fps(cfg_.max_fps);
    endpoint_.send(to_bytes(hello));
    probe_clock();
    decode_thread_ = std::thread([this] { decode_loop(); });
  }

  ~ScreenViewer() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    decode_thread_.join();
  }
  ScreenViewer(const ScreenViewer&) = delete;
  ScreenViewer& operator=(const ScreenViewer&) = delete;

  void on_message(session::ByteView bytes) override {
    auto m = parse_screen(bytes);
    switch (m.message_case()) {
      case screen::Message::kFrame: {
        screen::Message ack;
        ack.mutable_ack()->set_number(m.frame().number());
        endpoint_.send(to_bytes(ack));  // at once: the host's rate control measures the path, not our decoder
        if (cfg_.stats) cfg_.stats->on_bytes(m.frame().data().size());
        return enqueue(std::move(*m.mutable_frame()));
      }
      case screen::Message::kStreamStart: {
        const auto& s = m.stream_start();
        if (s.codec().empty() || s.width() == 0 || s.height() == 0 || s.width() > 16384 || s.height() > 16384)
          throw session::ServiceError("a stream start without a codec or with a picture size out of range");
        host_takes_options_ = s.takes_options();
        return enqueue(std::move(*m.mutable_stream_start()));
      }
      case screen::Message::kClockEcho: return on_clock(m.clock_echo());
      case screen::Message::kCursor: return on_cursor(m.cursor());
      case screen::Message::kDisplayRefused: {
        const auto& r = m.display_refused();
        log_.warn("screen", "the host did not switch to display " + std::to_string(r.index()) + ": " + r.reason());
        if (cfg_.on_display_refused) cfg_.on_display_refused(r.index(), r.reason());
        return;
      }
      case screen::Message::MESSAGE_NOT_SET: return;  // a newer host's message: not for this viewer
      case screen::Message::kOptionRefused: {
        log_.warn("screen", "the host did not change the stream: " + m.option_refused().reason());
        if (cfg_.on_option_refused) cfg_.on_option_refused(m.option_refused().reason());
        return;
      }
      case screen::Message::kUnavailable: {
        log_.warn("screen", "the host cannot stream: " + m.unavailable().reason());
        if (cfg_.on_unavailable) cfg_.on_unavailable(m.unavailable().reason());
        return;
      }
      default: throw session::ServiceError("a screen message only a viewer sends");
    }
  }

 private:
  using Item = std::variant<screen::StreamStart, screen::Frame>;

  void enqueue(Item item) {
    bool overflow = false;
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= kMaxQueued) {  // the decoder fell behind: drop what waits, resume at a keyframe
        std::erase_if(queue_, [](const Item& i) { return std::holds_alternative<screen::Frame>(i); });
        overflow = true;
        restart_ = true;
      }
      queue_.push_back(std::move(item));
    }
    cv_.notify_all();
    if (overflow) request_keyframe("the decoder fell behind");
  }

  void request_keyframe(const std::string& why) {
    screen::Message m;
    m.mutable_keyframe_request()->set_reason(why);
    endpoint_.send(to_bytes(m));
    if (cfg_.stats) cfg_.stats->on_keyframe_request();
  }

  void probe_clock() {
    screen::Message m;
    m.mutable_clock_probe()->set_viewer_ns(monotonic_ns());
    endpoint_.send(to_bytes(m));
  }

  // [session worker]
  void on_cursor(const screen::Cursor& c) {
    const bool new_shape = !c.bgra().empty();
    if (new_shape) {
      if (c.width() == 0 || c.height() == 0 || c.width() > 256 || c.height() > 256 ||
          c.bgra().size() != std::size_t(c.width()) * c.height() * 4)
        throw session::ServiceError("a cursor shape whose size is out of range or does not match its pixels");
      cursor_.bgra.assign(c.bgra().begin(), c.bgra().end());
      cursor_.width = c.width();
      cursor_.height = c.height();
      cursor_.hot_x = c.hot_x();
      cursor_.hot_y = c.hot_y();
      cursor_.shape = c.shape();
    }
    cursor_.x = c.x();
    cursor_.y = c.y();
    cursor_.visible = c.visible();
    if (cfg_.stats) cfg_.stats->on_cursor(c.x(), c.y(), new_shape);
    if (cfg_.on_cursor) cfg_.on_cursor(cursor_);
  }

  // NTP's estimate from one exchange; the sample with the shortest round trip is the most exact.
  void on_clock(const screen::ClockEcho& e) {
    const int64_t now = monotonic_ns();
    const int64_t rtt = now - e.viewer_ns();
    if (rtt < 0 || e.viewer_ns() <= 0) return;  // not an echo of ours
    std::lock_guard lock(mu_);
    if (!best_rtt_ || rtt <= *best_rtt_) {
      best_rtt_ = rtt;
      offset_ns_ = e.host_ns() - (e.viewer_ns() + now) / 2;
      if (cfg_.stats) cfg_.stats->on_clock_offset(offset_ns_);
    }
  }

  // [decode thread]
  void decode_loop() {
    int probes = 1;  // the constructor sent the first
    auto next_probe = std::chrono::steady_clock::now() + kClockProbeEarly;
    while (true) {
      if (std::chrono::steady_clock::now() >= next_probe) {
        probe_clock();
        next_probe = std::chrono::steady_clock::now() + (++probes < kEarlyProbes ? kClockProbeEarly : kClockProbeEvery);
      }
      Item item;
      bool restart = false;
      {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, next_probe, [&] { return stop_ || !queue_.empty(); });
        if (stop_) break;
        if (queue_.empty()) continue;
        item = std::move(queue_.front());
        queue_.pop_front();
        restart = std::exchange(restart_, false);
      }
      if (restart) need_keyframe_ = true;
      try {
        if (auto* start = std::get_if<screen::StreamStart>(&item))
          start_stream(*start);
        else
          decode(std::get<screen::Frame>(item));
      } catch (const std::exception& e) {
        log_.warn("screen", e.what());
        endpoint_.close(std::string("the screen stream failed: ") + e.what());
        break;
      }
    }
    if (sink_) sink_.reset();  // finishes a recording here, on the thread that wrote it
  }

  void start_stream(const screen::StreamStart& s) {
    const plugins::FeatureRef* feature = nullptr;
    for (const auto& d : cfg_.decoders)
      if (d.feature->name == s.codec()) feature = &d;
    if (feature == nullptr)
      throw std::runtime_error("the host streams with '" + s.codec() + "', which this viewer cannot decode");
    decoder_.reset();
    tp_video_params params{
        sizeof(tp_video_params), s.width(), s.height(), 0, 0, feature->vtable<tp_decoder_vtbl>()->output_format};
    decoder_.emplace(plugins::create_decoder(*feature, params));
    stream_ = s.stream();
    need_keyframe_ = true;
    const StreamInfo info{s.codec(), s.width(), s.height(), s.display()};
    if (cfg_.stats) cfg_.stats->on_stream(info);
    if (!sink_ && cfg_.make_sink && !sink_failed_) {
      try {
        sink_ = cfg_.make_sink(info);
      } catch (const std::exception& e) {
        sink_failed_ = true;
        log_.error("screen", std::string("recording: ") + e.what());
      }
    }
    if (sink_) sink_->stream(info);
    log_.info("screen", "stream " + std::to_string(stream_) + ": " + s.codec() + " " + std::to_string(s.width()) + "x" +
                            std::to_string(s.height()) + " (display " + std::to_string(s.display()) + ")");
  }

  void decode(const screen::Frame& f) {
    if (!decoder_ || f.stream() != stream_) return;  // before any stream, or a late packet of an old one
    if (need_keyframe_ && !f.keyframe()) return;
    need_keyframe_ = false;
    tp_packet p{};
    p.struct_size = sizeof p;
    p.data = reinterpret_cast<const uint8_t*>(f.data().data());
    p.size = f.data().size();
    p.pts_us = f.pts_us();
    p.capture_time_ns = f.capture_time_ns();
    p.keyframe = f.keyframe() ? 1 : 0;
    p.width = f.width();
    p.height = f.height();
    if (sink_) sink_->packet(p);
    tp_error err{};
    tp_frame_sink out{this, [](void* user, const tp_frame* frame) -> tp_status {
                        static_cast<ScreenViewer*>(user)->decoded(*frame);
                        return TP_OK;
                      }};
    if (tp_status s = decoder_->vtable()->decode(decoder_->get(), &p, &out, &err); s != TP_OK) {
      log_.warn("screen", std::string("a video packet did not decode (") + err.message + "); asking for a keyframe");
      need_keyframe_ = true;
      request_keyframe(std::string("decoder error: ") + err.message);
      // Counted after the request: whoever sees the error in the stats also sees the request it caused.
      if (cfg_.stats) cfg_.stats->on_decode_error();
    }
  }

  void decoded(const tp_frame& frame) {
    if (cfg_.stats) cfg_.stats->on_decoded(monotonic_ns(), frame.capture_time_ns);
    if (cfg_.on_frame) cfg_.on_frame(frame);
  }

  std::shared_ptr<const ScreenViewerConfig> config_;
  const ScreenViewerConfig& cfg_;
  Logger& log_;
  session::ServiceEndpoint& endpoint_;
  CursorState cursor_;  // session worker only
  std::atomic<bool> host_takes_options_{false};
  // Detaches (in its destructor) before the members it uses go, so no request reaches a half-destroyed service.
  ScreenRemoteAttachment remote_{cfg_.remote,
                                 [this](uint32_t index) {
                                   screen::Message m;
                                   m.mutable_select_display()->set_index(index);
                                   endpoint_.send(to_bytes(m));
                                 },
                                 [this](const StreamRequest& r) {
                                   if (!host_takes_options_) return false;
                                   screen::Message m;
                                   auto* o = m.mutable_stream_options();
                                   o->set_max_fps(r.max_fps);
                                   o->set_quality(r.quality);
                                   o->set_codec(r.codec);
                                   endpoint_.send(to_bytes(m));
                                   return true;
                                 }};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool restart_ = false;
  std::deque<Item> queue_;
  std::optional<int64_t> best_rtt_;
  int64_t offset_ns_ = 0;  // host clock minus ours

  // Decode thread only.
  std::optional<plugins::DecoderObject> decoder_;
  uint32_t stream_ = 0;
  bool need_keyframe_ = true;
  std::unique_ptr<PacketSink> sink_;
  bool sink_failed_ = false;

  std::thread decode_thread_;
};

}  // namespace

session::ServiceSpec screen_viewer_service(ScreenViewerConfig config, Logger& log) {
  session::ChannelPolicy policy{session::Priority::Video};
  policy.max_message = 16u << 20;  // a keyframe of a large screen
  auto shared = std::make_shared<const ScreenViewerConfig>(std::move(config));
  return {kScreenCapability, policy,
          [shared, &log](session::ServiceEndpoint& endpoint) -> std::unique_ptr<session::SessionService> {
            if (endpoint.is_host()) throw session::ServiceError("the screen viewer service runs on the viewer");
            return std::make_unique<ScreenViewer>(shared, log, endpoint);
          }};
}

}  // namespace telepane::core::media
