// What both ends of the screen stream share: the stream's description, where encoded packets may also go
// (recordings), and the viewer's measurements.
#pragma once

#include <telepane/abi/tp_media.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace telepane::core::media {

// The capability name a host grants for its screen.
inline constexpr const char* kScreenCapability = "screen";

struct StreamInfo {
  std::string codec;
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t display = 0;  // which of the host's displays
};

// Receives a stream's encoded packets as they are sent (host) or received (viewer), e.g. to record them.
// [the pipeline's encode or decode thread, one at a time]
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void stream(const StreamInfo& info) = 0;  // before the stream's first packet
  virtual void packet(const tp_packet& packet) = 0;
};

// The pointer as the viewer last heard of it.
struct CursorState {
  int32_t x = 0, y = 0;  // the hotspot, in picture pixels
  bool visible = false;
  uint64_t shape = 0;
  uint32_t width = 0, height = 0, hot_x = 0, hot_y = 0;
  std::vector<uint8_t> bgra;  // width x height, straight alpha
};

struct ScreenSummary {
  StreamInfo stream;
  uint64_t frames = 0;  // decoded
  uint64_t bytes = 0;   // received video payload
  double seconds = 0;   // from the first decoded frame to the last
  double fps = 0;
  double kbps = 0;
  uint64_t keyframe_requests = 0;
  uint64_t decode_errors = 0;
  uint32_t streams = 0;  // stream starts seen (1 + codec or size changes)
  // Capture-to-decoded latency in milliseconds (the host's capture time put on this clock); 0 without samples.
  double latency_p50 = 0, latency_p95 = 0, latency_p99 = 0;
  uint64_t latency_samples = 0;
  uint64_t cursor_updates = 0;  // pointer moves and shape changes received
  uint64_t cursor_shapes = 0;   // of which shape changes
  int32_t cursor_x = 0, cursor_y = 0;
};

// The viewer's running measurements. [any thread]
class ScreenStats {
 public:
  void on_stream(const StreamInfo& info);
  void on_bytes(std::size_t n);
  // A picture decoded at `now_ns` (this clock) that was captured at `capture_ns` (the host's clock; 0: unknown).
  void on_decoded(int64_t now_ns, int64_t capture_ns);
  // The host's clock minus this one, as best known so far. Latencies are figured with the latest estimate when a
  // summary is taken, so early pictures do not carry the first, rougher estimates.
  void on_clock_offset(int64_t offset_ns);
  void on_keyframe_request();
  void on_decode_error();
  void on_cursor(int32_t x, int32_t y, bool new_shape);
  ScreenSummary summary() const;

 private:
  mutable std::mutex mu_;
  ScreenSummary s_;
  int64_t first_ns_ = 0, last_ns_ = 0;
  std::vector<int64_t> raw_ns_;  // decoded minus captured, across the two clocks
  std::optional<int64_t> offset_ns_;
};

// A one-line human summary: "screen: 1920x1080 vp9, 598 frames in 10.0 s (59.8 fps), 3.1 Mbit/s, latency ms p50
// 14.2 p95 19.0 p99 23.4".
std::string describe(const ScreenSummary& s);

}  // namespace telepane::core::media
