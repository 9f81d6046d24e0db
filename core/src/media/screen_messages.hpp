// Serialising the screen channel's protobuf messages (core/proto/screen.proto).
#pragma once

#include <telepane/core/session/session_service.hpp>

#include "proto/screen.pb.h"

#include <chrono>

namespace telepane::core::media {

inline session::Bytes to_bytes(const screen::Message& m) {
  session::Bytes out(m.ByteSizeLong());
  m.SerializeToArray(out.data(), int(out.size()));
  return out;
}

// Throws ServiceError for bytes that are no screen message: the peer broke the protocol.
inline screen::Message parse_screen(session::ByteView bytes) {
  screen::Message m;
  if (!m.ParseFromArray(bytes.data(), int(bytes.size())) || m.message_case() == screen::Message::MESSAGE_NOT_SET)
    throw session::ServiceError("a screen message that does not parse");
  return m;
}

// The clock capture times are taken on (tp_host.now_ns uses the same).
inline int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace telepane::core::media
