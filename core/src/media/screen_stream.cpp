#include <telepane/core/media/screen_stream.hpp>

#include <algorithm>
#include <cstdio>

namespace telepane::core::media {

void ScreenStats::on_stream(const StreamInfo& info) {
  std::lock_guard lock(mu_);
  s_.stream = info;
  ++s_.streams;
}

void ScreenStats::on_bytes(std::size_t n) {
  std::lock_guard lock(mu_);
  s_.bytes += n;
}

void ScreenStats::on_decoded(int64_t now_ns, int64_t capture_ns) {
  std::lock_guard lock(mu_);
  if (s_.frames++ == 0) first_ns_ = now_ns;
  last_ns_ = now_ns;
  if (capture_ns > 0) raw_ns_.push_back(now_ns - capture_ns);
}

void ScreenStats::on_clock_offset(int64_t offset_ns) {
  std::lock_guard lock(mu_);
  offset_ns_ = offset_ns;
}

void ScreenStats::on_keyframe_request() {
  std::lock_guard lock(mu_);
  ++s_.keyframe_requests;
}

void ScreenStats::on_cursor(int32_t x, int32_t y, bool new_shape) {
  std::lock_guard lock(mu_);
  ++s_.cursor_updates;
  if (new_shape) ++s_.cursor_shapes;
  s_.cursor_x = x;
  s_.cursor_y = y;
}

void ScreenStats::on_decode_error() {
  std::lock_guard lock(mu_);
  ++s_.decode_errors;
}

ScreenSummary ScreenStats::summary() const {
  std::lock_guard lock(mu_);
  ScreenSummary out = s_;
  out.seconds = double(last_ns_ - first_ns_) / 1e9;
  if (out.frames > 1 && out.seconds > 0) {
    out.fps = double(out.frames - 1) / out.seconds;
    out.kbps = double(out.bytes) * 8 / 1000 / out.seconds;
  }
  if (!raw_ns_.empty() && offset_ns_) {
    auto sorted = raw_ns_;
    for (auto& v : sorted) v += *offset_ns_;
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](double q) {
      const auto i = std::min(sorted.size() - 1, std::size_t(q * double(sorted.size())));
      return double(sorted[i]) / 1e6;
    };
    out.latency_p50 = at(0.50);
    out.latency_p95 = at(0.95);
    out.latency_p99 = at(0.99);
    out.latency_samples = sorted.size();
  }
  return out;
}

std::string describe(const ScreenSummary& s) {
  if (s.frames == 0) return "screen: no frames received";
  char line[480];
  std::snprintf(line, sizeof line,
                "screen: %ux%u %s, %llu frames in %.1f s (%.1f fps), %.2f Mbit/s, capture-to-decoded latency ms "
                "p50 %.1f p95 %.1f p99 %.1f, %llu keyframe requests, %llu decode errors; cursor: %llu updates, %llu "
                "shapes, last at %d,%d; display %u",
                s.stream.width, s.stream.height, s.stream.codec.c_str(), static_cast<unsigned long long>(s.frames),
                s.seconds, s.fps, s.kbps / 1000, s.latency_p50, s.latency_p95, s.latency_p99,
                static_cast<unsigned long long>(s.keyframe_requests), static_cast<unsigned long long>(s.decode_errors),
                static_cast<unsigned long long>(s.cursor_updates), static_cast<unsigned long long>(s.cursor_shapes),
                s.cursor_x, s.cursor_y, s.stream.display);
  return line;
}

}  // namespace telepane::core::media
