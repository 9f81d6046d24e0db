#include "av_muxer.hpp"

#include <telepane/sdk/status.hpp>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace telepane::recorder {
using sdk::Error;

namespace {
struct Container {
  const char* extension;
  const char* format;  // libavformat's muxer name
  std::vector<std::string> codecs;
};
const std::vector<Container>& containers() {
  static const std::vector<Container> all = {
      {".webm", "webm", {"vp8", "vp9"}},
      {".mkv", "matroska", {"vp8", "vp9", "h264"}},
      {".mp4", "mp4", {"vp9", "h264"}},
  };
  return all;
}

const Container* container_for(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (const auto& c : containers())
    if (ext == c.extension) return &c;
  return nullptr;
}

AVCodecID codec_id(const std::string& codec) {
  if (codec == "vp8") return AV_CODEC_ID_VP8;
  if (codec == "vp9") return AV_CODEC_ID_VP9;
  if (codec == "h264") return AV_CODEC_ID_H264;
  return AV_CODEC_ID_NONE;
}

std::string av_error(int rc) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(rc, buf, sizeof buf);
  return buf;
}

// The SPS and PPS NAL units (types 7 and 8) of an Annex B access unit, each with its start code.
std::vector<uint8_t> parameter_sets(const uint8_t* data, std::size_t size) {
  std::vector<uint8_t> out;
  std::size_t i = 0;
  const auto start_code_at = [&](std::size_t at) {
    return at + 3 <= size && data[at] == 0 && data[at + 1] == 0 && data[at + 2] == 1;
  };
  while (i < size && !start_code_at(i)) ++i;
  while (i < size) {
    const std::size_t nal = i + 3;
    std::size_t next = nal;
    while (next < size && !start_code_at(next)) ++next;
    std::size_t end = next;
    while (end > nal && data[end - 1] == 0) --end;  // a 4-byte start code's leading zero
    if (nal < end) {
      const int type = data[nal] & 0x1f;
      if (type == 7 || type == 8) {
        const uint8_t code[] = {0, 0, 0, 1};
        out.insert(out.end(), code, code + 4);
        out.insert(out.end(), data + nal, data + end);
      }
    }
    i = next;
  }
  return out;
}
}  // namespace

std::string unsupported_reason(const std::string& path, const std::string& codec) {
  const Container* c = container_for(path);
  if (c == nullptr) return "'" + path + "' does not end in .webm, .mkv or .mp4";
  if (std::find(c->codecs.begin(), c->codecs.end(), codec) == c->codecs.end()) {
    std::string list;
    for (const auto& k : c->codecs) list += (list.empty() ? "" : ", ") + k;
    return std::string(c->extension + 1) + " holds " + list + ", not " + codec;
  }
  return {};
}

AvMuxer::AvMuxer(const std::string& path, const std::string& codec, uint32_t width, uint32_t height)
    : path_(path), codec_(codec), width_(width), height_(height) {
  if (auto why = unsupported_reason(path, codec); !why.empty()) throw Error(TP_ERR_UNSUPPORTED, why);
  if (width == 0 || height == 0) throw Error(TP_ERR_INVALID_ARGUMENT, "a recording needs a picture size");
  if (avformat_alloc_output_context2(&ctx_, nullptr, container_for(path)->format, path.c_str()) < 0 || !ctx_)
    throw Error(TP_ERR_INTERNAL, "libavformat has no muxer for " + path);
  const int rc = avio_open(&ctx_->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    avformat_free_context(ctx_);
    throw Error(TP_ERR_IO, path + ": " + av_error(rc));
  }
  stream_ = avformat_new_stream(ctx_, nullptr);
  pkt_ = av_packet_alloc();
  if (stream_ == nullptr || pkt_ == nullptr) {
    avio_closep(&ctx_->pb);
    avformat_free_context(ctx_);
    av_packet_free(&pkt_);
    throw Error(TP_ERR_NO_MEMORY, "out of memory opening " + path);
  }
  stream_->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  stream_->codecpar->codec_id = codec_id(codec);
  stream_->codecpar->width = int(width);
  stream_->codecpar->height = int(height);
  stream_->time_base = {1, 1000};  // the muxer may pick its own at the header
}

AvMuxer::~AvMuxer() {
  if (ctx_ != nullptr) {
    if (header_written_ && !finished_) av_write_trailer(ctx_);
    avio_closep(&ctx_->pb);
    avformat_free_context(ctx_);
  }
  av_packet_free(&pkt_);
}

void AvMuxer::start(const tp_packet& key) {
  if (codec_ == "h264") {
    const auto sets = parameter_sets(key.data, key.size);
    if (sets.empty()) throw Error(TP_ERR_PROTOCOL, "an H.264 keyframe without SPS/PPS cannot start a recording");
    auto* extra = static_cast<uint8_t*>(av_mallocz(sets.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (extra == nullptr) throw Error(TP_ERR_NO_MEMORY, "out of memory");
    std::memcpy(extra, sets.data(), sets.size());
    stream_->codecpar->extradata = extra;
    stream_->codecpar->extradata_size = int(sets.size());
  }
  if (key.width != 0 && key.height != 0) {
    stream_->codecpar->width = int(key.width);
    stream_->codecpar->height = int(key.height);
  }
  const int rc = avformat_write_header(ctx_, nullptr);
  if (rc < 0) throw Error(TP_ERR_IO, path_ + ": " + av_error(rc));
  header_written_ = true;
  first_pts_us_ = key.pts_us;
}

void AvMuxer::write(const tp_packet& p) {
  if (finished_) throw Error(TP_ERR_CLOSED, path_ + " is already finished");
  if (!header_written_) {
    if (p.keyframe == 0) return;  // a player can start only at a keyframe
    start(p);
  }
  int64_t ts = av_rescale_q(p.pts_us - first_pts_us_, AVRational{1, 1000000}, stream_->time_base);
  ts = std::max(ts, last_ts_ + 1);
  last_ts_ = ts;
  av_packet_unref(pkt_);
  if (av_new_packet(pkt_, int(p.size)) < 0) throw Error(TP_ERR_NO_MEMORY, "out of memory");
  std::memcpy(pkt_->data, p.data, p.size);
  pkt_->pts = pkt_->dts = ts;
  pkt_->stream_index = stream_->index;
  if (p.keyframe != 0) pkt_->flags |= AV_PKT_FLAG_KEY;
  const int rc = av_write_frame(ctx_, pkt_);
  if (rc < 0) throw Error(TP_ERR_IO, path_ + ": " + av_error(rc));
}

void AvMuxer::finish() {
  if (finished_) return;
  finished_ = true;
  if (!header_written_) return;  // no keyframe ever came: an empty file
  const int rc = av_write_trailer(ctx_);
  if (rc < 0) throw Error(TP_ERR_IO, path_ + ": " + av_error(rc));
  avio_flush(ctx_->pb);
}

}  // namespace telepane::recorder
