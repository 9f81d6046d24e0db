#include <telepane/core/session/wire.hpp>

namespace telepane::core::session {

void FrameReader::feed(ByteView bytes) {
  if (read_ > 0 && read_ == buffer_.size()) {
    buffer_.clear();
    read_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  // Check lengths as soon as they arrive, so garbage is refused before we wait for 64 KiB of it.
  std::size_t at = read_;
  while (at + 2 <= buffer_.size()) {
    const std::size_t len = std::size_t(buffer_[at]) << 8 | buffer_[at + 1];
    if (len < min_frame_)
      throw WireError(
          "frame of " + std::to_string(len) + " bytes: shorter than " +
          (min_frame_ == kTagSize ? std::string("a sealed message") : std::to_string(min_frame_) + " bytes"));
    at += 2 + len;
  }
}

std::optional<Bytes> FrameReader::next() {
  if (buffer_.size() - read_ < 2) return std::nullopt;
  const std::size_t len = std::size_t(buffer_[read_]) << 8 | buffer_[read_ + 1];
  if (buffer_.size() - read_ - 2 < len) return std::nullopt;
  Bytes out(buffer_.begin() + long(read_ + 2), buffer_.begin() + long(read_ + 2 + len));
  read_ += 2 + len;
  if (read_ > 65536 && read_ * 2 > buffer_.size()) {  // compact now and then; keeps memory at one frame or so
    buffer_.erase(buffer_.begin(), buffer_.begin() + long(read_));
    read_ = 0;
  }
  return out;
}

Bytes frame(ByteView sealed, std::size_t min_size) {
  if (sealed.size() > kMaxNoiseMessage) throw WireError("message over 65535 bytes");
  if (sealed.size() < min_size) throw WireError("message shorter than " + std::to_string(min_size) + " bytes");
  Bytes out;
  out.reserve(2 + sealed.size());
  out.push_back(uint8_t(sealed.size() >> 8));
  out.push_back(uint8_t(sealed.size()));
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

Bytes encode_record(uint16_t channel, bool last, ByteView payload) {
  if (payload.size() > kMaxRecordPayload) throw WireError("record payload over " + std::to_string(kMaxRecordPayload));
  Bytes out;
  out.reserve(kRecordHeader + payload.size());
  out.push_back(uint8_t(channel >> 8));
  out.push_back(uint8_t(channel));
  out.push_back(last ? kFlagLast : 0);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Record decode_record(ByteView plaintext) {
  if (plaintext.size() < kRecordHeader) throw WireError("record shorter than its 3-byte header");
  const uint8_t flags = plaintext[2];
  if ((flags & ~kFlagLast) != 0) throw WireError("record with unknown flags " + std::to_string(flags));
  return Record{uint16_t(plaintext[0] << 8 | plaintext[1]), (flags & kFlagLast) != 0,
                Bytes(plaintext.begin() + kRecordHeader, plaintext.end())};
}

}  // namespace telepane::core::session
