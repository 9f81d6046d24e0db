// Resuming a session after a brief drop (docs/protocol.md, "Resumption"): on a new link, the two ends prove they
// hold the session's resume secret (sent inside the encrypted session), say how many frames each received, and
// retransmit the sealed frames the other missed. No new key exchange, no new authentication: the Noise cipher
// states simply continue.
#pragma once

#include <telepane/core/session/transport_link.hpp>
#include <telepane/core/session/wire.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace telepane::core::session {

using TicketId = std::array<uint8_t, 16>;
using ResumeSecret = std::array<uint8_t, 32>;
using ResumeNonce = std::array<uint8_t, 16>;

// The frames a side sent, kept until the other side acknowledges them, so they can be sent again on a new link.
// Bounded: past `max_bytes` the oldest go, and a resume that would need them fails.
class ReplayBuffer {
 public:
  explicit ReplayBuffer(std::size_t max_bytes = 8u << 20) : max_bytes_(max_bytes) {}
  // Records the next frame (its index is the count of frames recorded before it).
  void record(const Bytes& frame);
  // The peer received every frame before `count`.
  void acknowledge(uint64_t count);
  // The frames from index `count` on, or nullopt when some of them are no longer kept.
  std::optional<std::vector<Bytes>> from(uint64_t count) const;
  uint64_t sent() const { return next_; }

 private:
  std::size_t max_bytes_;
  std::deque<Bytes> frames_;  // frames_[i] has index first_ + i
  uint64_t first_ = 0, next_ = 0;
  std::size_t bytes_ = 0;
};

// The resume exchange's messages, each one stream frame ([u16 length][message]).
Bytes resume_request(const TicketId& ticket);  // "TPS1"
Bytes resume_challenge(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                       uint64_t host_received);  // "TPS2"
Bytes resume_proof(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                   uint64_t viewer_received);     // "TPS3"
Bytes resume_refusal(const std::string& reason);  // "TPS0"

// A received resume message (the frame's payload). Throws WireError when it is malformed.
struct ResumeMessage {
  enum Kind { Request, Challenge, Proof, Refusal } kind;
  TicketId ticket{};
  ResumeNonce nonce{};
  uint64_t count = 0;
  std::array<uint8_t, 32> mac{};
  std::string reason;
};
bool is_resume_message(ByteView payload);
ResumeMessage parse_resume_message(ByteView payload);
// Whether `m` (a Challenge or a Proof) carries the right MAC for this secret, ticket and nonce.
bool resume_mac_ok(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                   const ResumeMessage& m);

// Host: the sessions that can be resumed, by ticket. A new link whose first frame is a resume request is handed to
// its session, which then continues on it. Thread-safe.
class ResumeDirectory {
 public:
  using Adopt = std::function<void(std::unique_ptr<TransportLink> link, Bytes early)>;
  void add(const TicketId& ticket, Adopt adopt);
  void remove(const TicketId& ticket);
  // Hands `link` (and bytes that came after the request) to the ticket's session; false when there is none.
  bool hand_over(const TicketId& ticket, std::unique_ptr<TransportLink>& link, Bytes early);

 private:
  std::mutex mu_;
  std::map<TicketId, Adopt> sessions_;
};

}  // namespace telepane::core::session
