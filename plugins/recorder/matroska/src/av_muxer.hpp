// Encoded video into WebM, Matroska or MP4 with libavformat, packets as they come (no decoding, no re-encoding).
// The container is chosen by the file's extension. H.264 arrives as Annex B; its parameter sets (SPS, PPS) are
// taken from the first keyframe as the stream's extradata, which is what players need to start.
#pragma once

#include <telepane/abi/tp_media.h>

#include <cstdint>
#include <string>
#include <vector>

struct AVFormatContext;
struct AVStream;
struct AVPacket;

namespace telepane::recorder {

// Empty when `codec` fits a file named `path`; otherwise why not ("webm holds vp8 and vp9 only").
std::string unsupported_reason(const std::string& path, const std::string& codec);

class AvMuxer {
 public:
  // Throws sdk::Error(TP_ERR_UNSUPPORTED) for a container/codec pair it cannot write, TP_ERR_IO when the file
  // cannot be created.
  AvMuxer(const std::string& path, const std::string& codec, uint32_t width, uint32_t height);
  ~AvMuxer();  // closes the file; without finish() it may lack its trailer
  AvMuxer(const AvMuxer&) = delete;
  AvMuxer& operator=(const AvMuxer&) = delete;

  void write(const tp_packet& packet);  // throws sdk::Error(TP_ERR_IO)
  void finish();                        // throws sdk::Error(TP_ERR_IO)

 private:
  void start(const tp_packet& first_keyframe);

  std::string path_;
  std::string codec_;
  uint32_t width_, height_;
  AVFormatContext* ctx_ = nullptr;
  AVStream* stream_ = nullptr;
  AVPacket* pkt_ = nullptr;
  bool header_written_ = false;
  bool finished_ = false;
  int64_t first_pts_us_ = 0;
  int64_t last_ts_ = -1;  // in the stream's time base: timestamps must rise
};

}  // namespace telepane::recorder
