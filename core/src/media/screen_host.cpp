#include <telepane/core/media/screen_host.hpp>

#include <telepane/core/media/frame_converter.hpp>
#include <telepane/core/plugins/plugin_object.hpp>

#include "screen_messages.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <thread>
#include <utility>

namespace telepane::core::media {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::optional<std::string> choose_codec(const std::vector<std::string>& viewer, const std::vector<std::string>& host,
                                        const std::vector<std::string>& preference) {
  const auto has = [](const std::vector<std::string>& list, const std::string& c) {
    return std::find(list.begin(), list.end(), c) != list.end();
  };
  for (const auto& c : preference.empty() ? viewer : preference)
    if (has(viewer, c) && has(host, c)) return c;
  if (!preference.empty())  // the host's preferences name none the viewer has: fall back to the viewer's order
    for (const auto& c : viewer)
      if (has(host, c)) return c;
  return std::nullopt;
}

namespace {

constexpr auto kGrabTimeout = 100ms;  // how long one grab waits for damage; bounds how late a stop is seen
constexpr auto kSettleAfter = 250ms;  // an unchanged screen for this long gets its quality refined
constexpr int kRefineFrames = 2;      // re-encodes of a settled picture

// One converted picture, owned: the capture thread fills it, the encode thread reads it.
struct Picture {
  FrameConverter converter;
  std::unique_ptr<sdk::FrameBuffer> copy;  // when the capture already gives the encoder's format
  tp_frame frame{};
  int64_t capture_ns = 0;
  uint32_t display = 0;

  void fill(const tp_frame& grabbed, tp_pixel_format format) {
    const tp_frame& converted = converter.convert(grabbed, format);
    if (&converted != &grabbed) {
      frame = converted;
    } else {  // the capture's own pixels, valid only until its next grab: copy them
      if (!copy || copy->width() != grabbed.width || copy->height() != grabbed.height || copy->format() != format)
        copy = std::make_unique<sdk::FrameBuffer>(format, grabbed.width, grabbed.height);
      for (uint32_t p = 0; p < copy->plane_count(); ++p)
        for (uint32_t r = 0; r < copy->rows(p); ++r)
          std::memcpy(copy->plane(p) + std::size_t(r) * copy->stride(p),
                      grabbed.planes[p] + std::size_t(r) * grabbed.strides[p], copy->stride(p));
      frame = copy->view();
    }
    frame.damage = nullptr;  // the damage list belongs to the capture
    frame.damage_count = 0;
    capture_ns = grabbed.capture_time_ns;
  }
};

class ScreenHost final : public session::SessionService {
 public:
  ScreenHost(std::shared_ptr<const ScreenHostConfig> cfg, Logger& log, session::ServiceEndpoint& endpoint)
      : config_(std::move(cfg)),
        cfg_(*config_),
        log_(log),
        endpoint_(endpoint),
        rate_(cfg_.rate),
        fps_(std::max<uint32_t>(cfg_.max_fps, 1)) {}

  ~ScreenHost() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (capture_thread_.joinable()) capture_thread_.join();
    if (encode_thread_.joinable()) encode_thread_.join();
    if (started_)
      log_.debug("screen",
                 std::to_string(frames_) + " frames sent, " + std::to_string(skipped_) + " stale pictures skipped");
  }
  ScreenHost(const ScreenHost&) = delete;
  ScreenHost& operator=(const ScreenHost&) = delete;

  void on_message(session::ByteView bytes) override {
    auto m = parse_screen(bytes);
    switch (m.message_case()) {
      case screen::Message::kHello: return start(m.hello());
      case screen::Message::kAck: {
        std::lock_guard lock(mu_);
        rate_.on_ack(m.ack().number(), Clock::now());
        cv_.notify_all();
        return;
      }
      case screen::Message::kKeyframeRequest: {
        log_.debug("screen", "viewer asks for a keyframe: " + m.keyframe_request().reason());
        std::lock_guard lock(mu_);
        keyframe_wanted_ = true;
        cv_.notify_all();
        return;
      }
      case screen::Message::kSelectDisplay: {
        if (m.select_display().index() > 255) throw session::ServiceError("a display index out of range");
        std::lock_guard lock(mu_);
        display_wanted_ = m.select_display().index();
        cv_.notify_all();
        return;
      }
      case screen::Message::kStreamOptions: return apply_options(m.stream_options());
      case screen::Message::MESSAGE_NOT_SET: return;  // a newer viewer's message: not for this host
      case screen::Message::kClockProbe: {
        screen::Message echo;
        echo.mutable_clock_echo()->set_viewer_ns(m.clock_probe().viewer_ns());
        echo.mutable_clock_echo()->set_host_ns(monotonic_ns());
        return endpoint_.send(to_bytes(echo));
      }
      default: throw session::ServiceError("a screen message only a host sends");
    }
  }

 private:
  void start(const screen::Hello& hello) {
    if (started_) throw session::ServiceError("a second screen hello");
    started_ = true;
    if (hello.max_fps() > 0) fps_ = std::min(fps_.load(), hello.max_fps());
    std::vector<std::string> ours;
    for (const auto& e : cfg_.encoders) ours.push_back(e.feature->name);
    theirs_.assign(hello.codecs().begin(), hello.codecs().end());
    if (!cfg_.capture) return unavailable("this host has no screen capture enabled");
    const auto codec = choose_codec(theirs_, ours, cfg_.codec_preference);
    if (!codec)
      return unavailable("no video codec both sides have (host: " + join(ours) + "; viewer: " + join(theirs_) + ")");
    for (const auto& e : cfg_.encoders)
      if (e.feature->name == *codec) encoder_feature_ = e;
    format_ = encoder_feature_.vtable<tp_encoder_vtbl>()->input_format;
    log_.info("screen", "streaming with " + *codec + " at up to " + std::to_string(fps_.load()) + " fps");
    capture_thread_ = std::thread([this] { capture_loop(); });
    encode_thread_ = std::thread([this] { encode_loop(); });
  }

  // [session worker] The person at the viewer changed the stream: what the host can apply takes effect at the next
  // picture; the rest is refused with the reason.
  void apply_options(const screen::StreamOptions& o) {
    if (!started_) throw session::ServiceError("stream options before the screen hello");
    const auto refuse = [this](const std::string& why) {
      screen::Message m;
      m.mutable_option_refused()->set_reason(why);
      endpoint_.send(to_bytes(m));
    };
    std::optional<RateSettings> range;
    if (!o.quality().empty() && !(range = rate_for_quality(o.quality())))
      refuse("no quality '" + o.quality().substr(0, 32) + "' (low, balanced or high)");
    std::optional<plugins::FeatureRef> encoder;
    if (!o.codec().empty()) {
      const bool viewer_has = std::find(theirs_.begin(), theirs_.end(), o.codec()) != theirs_.end();
      for (const auto& e : cfg_.encoders)
        if (e.feature->name == o.codec()) encoder = e;
      if (!encoder || !viewer_has) {
        encoder.reset();
        refuse("this host cannot stream '" + o.codec().substr(0, 32) +
               "' to this viewer (both have: " + join(common_codecs()) + ")");
      }
    }
    // Never past the host's own range: a viewer may ask for less than host.screen.quality allows, not more.
    if (range) {
      range->max_kbps = std::min(range->max_kbps, cfg_.rate.max_kbps);
      range->min_kbps = std::min(range->min_kbps, range->max_kbps);
      range->start_kbps = std::clamp(range->start_kbps, range->min_kbps, range->max_kbps);
    }
    std::lock_guard lock(mu_);
    if (o.max_fps() > 0) {
      fps_ = std::min(std::max<uint32_t>(cfg_.max_fps, 1), o.max_fps());
      log_.info("screen", "the viewer asks for " + std::to_string(o.max_fps()) + " fps: streaming at up to " +
                              std::to_string(fps_.load()));
    }
    if (range) {
      rate_.set_range(*range);
      log_.info("screen", "quality " + o.quality());
    }
    if (encoder) {
      codec_wanted_ = std::move(encoder);
      keyframe_wanted_ = true;  // a still screen, too, is shown again in the new codec
    }
    cv_.notify_all();
  }

  std::vector<std::string> common_codecs() const {
    std::vector<std::string> out;
    for (const auto& e : cfg_.encoders)
      if (std::find(theirs_.begin(), theirs_.end(), e.feature->name) != theirs_.end()) out.push_back(e.feature->name);
    return out;
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
  }

  // [any thread] Tells the viewer why there is no picture; the session and its other services go on.
  void unavailable(const std::string& reason) {
    log_.warn("screen", reason);
    screen::Message m;
    m.mutable_unavailable()->set_reason(reason);
    endpoint_.send(to_bytes(m));
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }

  Clock::duration interval() const { return std::chrono::microseconds(1'000'000 / fps_.load()); }

  // [capture thread]
  void capture_loop() {
    std::optional<plugins::CaptureObject> capture;
    uint32_t display = cfg_.display;
    try {
      tp_capture_params params{sizeof(tp_capture_params), display, 0, 0, fps_};
      capture.emplace(plugins::create_capture(*cfg_.capture, params));
    } catch (const std::exception& e) {
      return unavailable(std::string("screen capture failed: ") + e.what());
    }
    auto next_due = Clock::now();
    const auto* vt = capture->vtable();
    bool has_cursor =
        vt->struct_size >= offsetof(tp_capture_vtbl, cursor) + sizeof(vt->cursor) && vt->cursor != nullptr;
    while (true) {
      {
        std::unique_lock lock(mu_);
        // Grab only when the picture could be encoded soon: not while an untaken one waits or the link is full.
        // Timed: frames whose acknowledgement never comes expire from the flight as time passes.
        while (!cv_.wait_for(lock, kSettleAfter,
                             [&] { return stop_ || (!pending_ && rate_.may_send(fps_, Clock::now())); })) {
        }
        if (stop_) return;
        if (auto wanted = std::exchange(display_wanted_, std::nullopt); wanted && *wanted != display) {
          lock.unlock();
          switch_display(capture, display, *wanted);
          continue;
        }
        if (Clock::now() < next_due) {
          cv_.wait_until(lock, next_due, [&] { return stop_; });
          if (stop_) return;
        }
        // Just in time: while the encoder is busy, grab so the picture is ready as it finishes, not at once (a
        // picture grabbed at once would wait out the whole encode, and be that much older when shown).
        if (encoding_) {
          const auto ready_at = encode_started_ + encode_avg_ - capture_avg_;
          cv_.wait_until(lock, ready_at, [&] { return stop_ || !encoding_; });
          if (stop_) return;
        }
      }
      const auto started = Clock::now();
      tp_frame grabbed{};
      grabbed.struct_size = sizeof grabbed;
      tp_error err{};
      // With a pointer to follow, a still screen is polled at the frame rate (the pointer moves without damage).
      const auto timeout = has_cursor ? std::min<Clock::duration>(kGrabTimeout, interval()) : kGrabTimeout;
      const tp_status s = capture->vtable()->grab(
          capture->get(), std::chrono::duration_cast<std::chrono::microseconds>(timeout).count(), &grabbed, &err);
      if (has_cursor) has_cursor = poll_cursor(*capture);
      if (s == TP_ERR_AGAIN) continue;  // nothing changed: no frame
      if (s != TP_OK) return unavailable(std::string("screen capture stopped: ") + err.message);
      auto picture = take_free();
      picture->display = display;
      try {
        picture->fill(grabbed, format_);
      } catch (const std::exception& e) {
        return unavailable(std::string("a captured picture could not be converted: ") + e.what());
      }
      {
        std::lock_guard lock(mu_);
        const auto took = std::chrono::nanoseconds(monotonic_ns() - grabbed.capture_time_ns);
        if (took.count() > 0 && took < 1s) capture_avg_ = (capture_avg_ * 7 + took) / 8;
        if (pending_) {  // the encoder did not take the previous one: it is stale now
          ++skipped_;
          free_.push_back(std::move(pending_));
        }
        pending_ = std::move(picture);
      }
      cv_.notify_all();
      next_due = started + interval();
    }
  }

  // [capture thread] Opens display `wanted` in place of `display`; on failure the stream stays where it was and the
  // viewer is told why.
  void switch_display(std::optional<plugins::CaptureObject>& capture, uint32_t& display, uint32_t wanted) {
    try {
      tp_capture_params params{sizeof(tp_capture_params), wanted, 0, 0, fps_};
      *capture = plugins::create_capture(*cfg_.capture, params);  // the old one is destroyed in the assignment
      display = wanted;
      sent_cursor_ = false;  // the new display's pointer, shape included
      log_.info("screen", "showing display " + std::to_string(wanted));
    } catch (const std::exception& e) {
      screen::Message m;
      m.mutable_display_refused()->set_index(wanted);
      m.mutable_display_refused()->set_reason(e.what());
      endpoint_.send(to_bytes(m));
    }
  }

  // [capture thread] Sends the pointer when it moved or changed shape. False when the capture cannot see it.
  bool poll_cursor(const plugins::CaptureObject& capture) {
    tp_cursor c{};
    c.struct_size = sizeof c;
    tp_error err{};
    const tp_status s = capture.vtable()->cursor(capture.get(), &c, &err);
    if (s == TP_ERR_UNSUPPORTED) return false;
    if (s != TP_OK) {
      log_.debug("screen", std::string("no pointer: ") + err.message);
      return false;
    }
    const bool new_shape = !sent_cursor_ || c.shape_serial != cursor_.shape_serial;
    if (!new_shape && c.x == cursor_.x && c.y == cursor_.y && c.visible == cursor_.visible) return true;
    screen::Message m;
    auto* out = m.mutable_cursor();
    out->set_x(c.x);
    out->set_y(c.y);
    out->set_visible(c.visible != 0);
    out->set_shape(c.shape_serial);
    out->set_width(c.width);
    out->set_height(c.height);
    out->set_hot_x(c.hot_x);
    out->set_hot_y(c.hot_y);
    if (new_shape && c.pixels != nullptr && c.width > 0 && c.height > 0 && c.width <= 256 && c.height <= 256)
      out->set_bgra(c.pixels, std::size_t(c.width) * c.height * 4);
    endpoint_.send(to_bytes(m));
    cursor_ = c;
    sent_cursor_ = true;
    return true;
  }

  std::unique_ptr<Picture> take_free() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return std::make_unique<Picture>();
    auto p = std::move(free_.back());
    free_.pop_back();
    return p;
  }

  // [encode thread]
  void encode_loop() {
    std::unique_ptr<Picture> current;
    int refine_left = 0;
    while (true) {
      bool keyframe = false;
      uint32_t kbps = 0;
      {
        std::unique_lock lock(mu_);
        const bool woke = cv_.wait_for(lock, kSettleAfter, [&] {
          return stop_ || (rate_.may_send(fps_, Clock::now()) && (pending_ || (keyframe_wanted_ && current)));
        });
        if (stop_) return;
        if (pending_ && rate_.may_send(fps_, Clock::now())) {
          if (current) free_.push_back(std::move(current));
          current = std::move(pending_);
          refine_left = kRefineFrames;
        } else if (woke && keyframe_wanted_ && current) {
          current->capture_ns = monotonic_ns();  // the screen is unchanged: this is what it shows now
        } else if (!woke && refine_left > 0 && current && rate_.may_send(fps_, Clock::now())) {
          --refine_left;
          current->capture_ns = monotonic_ns();
        } else {
          continue;
        }
        keyframe = std::exchange(keyframe_wanted_, false);
        kbps = rate_.bitrate_kbps();
        if (codec_wanted_) switch_codec(*std::exchange(codec_wanted_, std::nullopt));
        encoding_ = true;
        encode_started_ = Clock::now();
      }
      cv_.notify_all();  // the slot is free: the capture thread may grab the next picture
      try {
        encode(*current, keyframe, kbps);
      } catch (const std::exception& e) {
        return unavailable(std::string("video encoding failed: ") + e.what());
      }
      {
        std::lock_guard lock(mu_);
        encoding_ = false;
        encode_avg_ = (encode_avg_ * 7 + (Clock::now() - encode_started_)) / 8;
      }
      cv_.notify_all();
    }
  }

  // [encode thread, mu_ held] The next picture is encoded with `encoder`, in a new stream.
  void switch_codec(const plugins::FeatureRef& encoder) {
    if (encoder.feature->name == encoder_feature_.feature->name) return;
    encoder_feature_ = encoder;
    format_ = encoder.vtable<tp_encoder_vtbl>()->input_format;
    encoder_.reset();  // encode() starts a stream with the new codec
    log_.info("screen", "the viewer asks for " + encoder.feature->name + ": a new stream");
  }

  void encode(const Picture& picture, bool keyframe, uint32_t kbps) {
    const tp_frame& f = picture.frame;
    // Converted for the encoder before a codec change to one that takes another format: skipped, the next grab is
    // in the new format (a screen that stays still keeps the old stream until it changes).
    if (f.format != format_.load()) return;
    if (!encoder_ || f.width != width_ || f.height != height_ || picture.display != display_) {
      encoder_.reset();
      width_ = f.width;
      height_ = f.height;
      display_ = picture.display;
      encoder_kbps_ = kbps;
      tp_video_params params{sizeof(tp_video_params), width_, height_, fps_, kbps, format_};
      encoder_.emplace(plugins::create_encoder(encoder_feature_, params));
      screen::Message m;
      auto* start = m.mutable_stream_start();
      start->set_codec(encoder_feature_.feature->name);
      start->set_width(width_);
      start->set_height(height_);
      start->set_stream(++stream_);
      start->set_display(display_);
      start->set_takes_options(true);
      endpoint_.send(to_bytes(m));
      const StreamInfo info{encoder_feature_.feature->name, width_, height_};
      if (!sink_ && cfg_.make_sink && stream_ == 1) {
        try {
          sink_ = cfg_.make_sink(info);
        } catch (const std::exception& e) {
          log_.error("screen", std::string("recording: ") + e.what());
        }
      }
      if (sink_) sink_->stream(info);
      keyframe = true;
      if (stream_ == 1) stream_start_ns_ = picture.capture_ns;
    }
    const auto* vt = encoder_->vtable();
    if (keyframe && stream_ > 0) vt->request_keyframe(encoder_->get());
    if (kbps != encoder_kbps_ && vt->set_bitrate != nullptr) {
      vt->set_bitrate(encoder_->get(), kbps);
      encoder_kbps_ = kbps;
    }
    tp_frame input = f;
    input.capture_time_ns = picture.capture_ns;
    input.pts_us = (picture.capture_ns - stream_start_ns_) / 1000;
    tp_error err{};
    tp_packet_sink sink{this, [](void* user, const tp_packet* p) -> tp_status {
                          static_cast<ScreenHost*>(user)->send_packet(*p);
                          return TP_OK;
                        }};
    if (tp_status s = vt->encode(encoder_->get(), &input, &sink, &err); s != TP_OK)
      throw std::runtime_error(err.message[0] ? err.message : "encode failed");
  }

  // [encode thread, inside encode()]
  void send_packet(const tp_packet& p) {
    screen::Message m;
    auto* fr = m.mutable_frame();
    const uint64_t number = ++frames_;
    fr->set_number(number);
    fr->set_stream(stream_);
    fr->set_pts_us(p.pts_us);
    fr->set_capture_time_ns(p.capture_time_ns);
    fr->set_keyframe(p.keyframe != 0);
    fr->set_width(p.width != 0 ? p.width : width_);
    fr->set_height(p.height != 0 ? p.height : height_);
    fr->set_data(p.data, p.size);
    endpoint_.send(to_bytes(m));
    if (sink_) sink_->packet(p);
    std::lock_guard lock(mu_);
    rate_.on_sent(number, p.size, Clock::now());
  }

  std::shared_ptr<const ScreenHostConfig> config_;
  const ScreenHostConfig& cfg_;
  Logger& log_;
  session::ServiceEndpoint& endpoint_;

  // Session worker only.
  bool started_ = false;

  // Set before the threads start; changed only by the encode thread (a codec switch). The capture thread reads
  // format_ to convert each picture.
  plugins::FeatureRef encoder_feature_;
  std::atomic<tp_pixel_format> format_{TP_PIXEL_FORMAT_INVALID};
  std::vector<std::string> theirs_;  // the viewer's decoders, from its Hello (session worker)

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool keyframe_wanted_ = false;
  std::optional<uint32_t> display_wanted_;
  std::optional<plugins::FeatureRef> codec_wanted_;
  std::unique_ptr<Picture> pending_;
  std::vector<std::unique_ptr<Picture>> free_;
  RateController rate_;
  std::atomic<uint32_t> fps_;  // written under mu_; read without it for the capture interval
  uint64_t skipped_ = 0;
  bool encoding_ = false;
  Clock::time_point encode_started_{};
  Clock::duration encode_avg_{};  // moving averages, for grabbing just in time
  Clock::duration capture_avg_{};

  // Capture thread only.
  tp_cursor cursor_{};  // the last one sent (its pixels are not kept)
  bool sent_cursor_ = false;

  // Encode thread only.
  std::unique_ptr<PacketSink> sink_;
  std::optional<plugins::EncoderObject> encoder_;
  uint32_t width_ = 0, height_ = 0, encoder_kbps_ = 0, stream_ = 0, display_ = 0;
  uint64_t frames_ = 0;
  int64_t stream_start_ns_ = 0;

  std::thread capture_thread_, encode_thread_;
};

}  // namespace

session::ServiceSpec screen_host_service(ScreenHostConfig config, Logger& log) {
  session::ChannelPolicy policy{session::Priority::Video};
  policy.max_message = 16u << 20;  // a keyframe of a large screen; what the viewer sends is far smaller
  auto shared = std::make_shared<const ScreenHostConfig>(std::move(config));
  return {kScreenCapability, policy,
          [shared, &log](session::ServiceEndpoint& endpoint) -> std::unique_ptr<session::SessionService> {
            if (!endpoint.is_host()) throw session::ServiceError("the screen host service runs on the host");
            return std::make_unique<ScreenHost>(shared, log, endpoint);
          }};
}

}  // namespace telepane::core::media
