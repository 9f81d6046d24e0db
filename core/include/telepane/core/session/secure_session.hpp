// One end of an encrypted session, without I/O: bytes from the transport go in through receive(), bytes for the
// transport come out through the write callback. The caller owns threads and sockets; this owns the protocol
// (docs/protocol.md): suite negotiation bound into the Noise prologue, the handshake, sealed records, channels.
//
// Not thread-safe: one thread (the session's strand) makes every call.
#pragma once

#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/multiplexer.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace telepane::core::session {

// The session failed; the reason is one line for both people. Every later call throws it again.
class SessionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Key32 = std::array<uint8_t, 32>;

struct SessionOptions {
  bool initiator = true;  // the viewer initiates; the host responds
  // Crypto suites this end accepts, best first. The initiator offers them in this order; the responder takes the
  // first offered one it also has.
  std::vector<plugins::FeatureRef> suites;
  Key32 local_private{};  // this peer's static key (identity)
  // Initiator: decides whether the static key the host announces is the host it meant (its full ID's fingerprint,
  // the pin in known_hosts, the rendezvous server's signed answer). Throw SessionError to refuse; the handshake
  // then proves the host holds that key.
  std::function<void(const Key32& host_key)> check_host_key;
};

struct HandshakeDone {
  std::string suite;
  Bytes handshake_hash;                // binds authentication to this session
  std::optional<Key32> remote_public;  // the host's key on the viewer; the viewer's on the host with IK
};
struct ChannelMessage {
  uint16_t channel;
  Bytes data;
};
using SessionEvent = std::variant<HandshakeDone, ChannelMessage>;

class SecureSession {
 public:
  using Writer = std::function<void(Bytes)>;

  SecureSession(SessionOptions options, Writer write);
  ~SecureSession();
  SecureSession(const SecureSession&) = delete;
  SecureSession& operator=(const SecureSession&) = delete;

  // Initiator: sends the offer. Responder: nothing to do.
  void start();
  // Bytes from the transport, in any pieces. Returns what they completed. Throws SessionError.
  std::vector<SessionEvent> receive(ByteView bytes);

  // Channels must be opened alike on both ends before use.
  void open_channel(uint16_t channel, ChannelPolicy policy);
  // Queues a message; sealed and written by flush(). Throws SessionError before the handshake is done.
  Multiplexer::Enqueue send(uint16_t channel, Bytes message);
  // Seals and writes queued records, highest priority first; `max_records` bounds one call (0 = all).
  std::size_t flush(std::size_t max_records = 0);

  bool established() const;
  // Complete frames received and processed so far (the handshake's included): what resumption acknowledges.
  uint64_t frames_received() const;
  // Forgets a partial frame from a link that broke mid-frame; the next bytes start a frame. (Resumption.)
  void reset_partial_frame();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The suite names of the Noise prologue's offer, for logs and errors.
std::string suite_list(const std::vector<plugins::FeatureRef>& suites);

}  // namespace telepane::core::session
