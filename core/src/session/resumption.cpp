#include <telepane/core/session/resumption.hpp>

#include <sodium.h>

#include <cstring>

namespace telepane::core::session {
namespace {
constexpr uint8_t kRequest[4] = {'T', 'P', 'S', '1'};
constexpr uint8_t kChallenge[4] = {'T', 'P', 'S', '2'};
constexpr uint8_t kProof[4] = {'T', 'P', 'S', '3'};
constexpr uint8_t kRefusal[4] = {'T', 'P', 'S', '0'};

void put_u64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

std::array<uint8_t, 32> mac(const ResumeSecret& secret, const char* label, const TicketId& ticket,
                            const ResumeNonce& nonce, uint64_t count) {
  Bytes msg(label, label + std::strlen(label));
  msg.insert(msg.end(), ticket.begin(), ticket.end());
  msg.insert(msg.end(), nonce.begin(), nonce.end());
  put_u64(msg, count);
  std::array<uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), msg.data(), msg.size(), secret.data(), secret.size());
  return out;
}

Bytes with_magic(const uint8_t (&magic)[4]) {
  return Bytes(magic, magic + 4);
}
}  // namespace

void ReplayBuffer::record(const Bytes& frame) {
  frames_.push_back(frame);
  bytes_ += frame.size();
  ++next_;
  while (bytes_ > max_bytes_ && !frames_.empty()) {
    bytes_ -= frames_.front().size();
    frames_.pop_front();
    ++first_;
  }
}

void ReplayBuffer::acknowledge(uint64_t count) {
  while (first_ < count && !frames_.empty()) {
    bytes_ -= frames_.front().size();
    frames_.pop_front();
    ++first_;
  }
}

std::optional<std::vector<Bytes>> ReplayBuffer::from(uint64_t count) const {
  if (count < first_ || count > next_) return std::nullopt;
  return std::vector<Bytes>(frames_.begin() + std::ptrdiff_t(count - first_), frames_.end());
}

Bytes resume_request(const TicketId& ticket) {
  Bytes m = with_magic(kRequest);
  m.insert(m.end(), ticket.begin(), ticket.end());
  return frame(m, 1);
}

Bytes resume_challenge(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                       uint64_t host_received) {
  Bytes m = with_magic(kChallenge);
  m.insert(m.end(), nonce.begin(), nonce.end());
  put_u64(m, host_received);
  const auto tag = mac(secret, "telepane resume host", ticket, nonce, host_received);
  m.insert(m.end(), tag.begin(), tag.end());
  return frame(m, 1);
}

Bytes resume_proof(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                   uint64_t viewer_received) {
  Bytes m = with_magic(kProof);
  put_u64(m, viewer_received);
  const auto tag = mac(secret, "telepane resume viewer", ticket, nonce, viewer_received);
  m.insert(m.end(), tag.begin(), tag.end());
  return frame(m, 1);
}

Bytes resume_refusal(const std::string& reason) {
  Bytes m = with_magic(kRefusal);
  m.insert(m.end(), reason.begin(), reason.begin() + std::ptrdiff_t(std::min<std::size_t>(reason.size(), 200)));
  return frame(m, 1);
}

bool is_resume_message(ByteView p) {
  return p.size() >= 4 && p[0] == 'T' && p[1] == 'P' && p[2] == 'S' && p[3] >= '0' && p[3] <= '3';
}

ResumeMessage parse_resume_message(ByteView p) {
  if (!is_resume_message(p)) throw WireError("not a resume message");
  ResumeMessage m{};
  const uint8_t* body = p.data() + 4;
  const std::size_t n = p.size() - 4;
  switch (p[3]) {
    case '1':
      if (n != 16) throw WireError("malformed resume request");
      m.kind = ResumeMessage::Request;
      std::memcpy(m.ticket.data(), body, 16);
      break;
    case '2':
      if (n != 16 + 8 + 32) throw WireError("malformed resume challenge");
      m.kind = ResumeMessage::Challenge;
      std::memcpy(m.nonce.data(), body, 16);
      m.count = get_u64(body + 16);
      std::memcpy(m.mac.data(), body + 24, 32);
      break;
    case '3':
      if (n != 8 + 32) throw WireError("malformed resume proof");
      m.kind = ResumeMessage::Proof;
      m.count = get_u64(body);
      std::memcpy(m.mac.data(), body + 8, 32);
      break;
    default: m.kind = ResumeMessage::Refusal; m.reason.assign(body, body + n);
  }
  return m;
}

bool resume_mac_ok(const ResumeSecret& secret, const TicketId& ticket, const ResumeNonce& nonce,
                   const ResumeMessage& m) {
  const char* label = m.kind == ResumeMessage::Challenge ? "telepane resume host" : "telepane resume viewer";
  const auto expected = mac(secret, label, ticket, nonce, m.count);
  return sodium_memcmp(expected.data(), m.mac.data(), 32) == 0;
}

void ResumeDirectory::add(const TicketId& ticket, Adopt adopt) {
  std::lock_guard lock(mu_);
  sessions_[ticket] = std::move(adopt);
}

void ResumeDirectory::remove(const TicketId& ticket) {
  std::lock_guard lock(mu_);
  sessions_.erase(ticket);
}

bool ResumeDirectory::hand_over(const TicketId& ticket, std::unique_ptr<TransportLink>& link, Bytes early) {
  std::lock_guard lock(mu_);  // held through adopt: remove() cannot free the session meanwhile
  auto it = sessions_.find(ticket);
  if (it == sessions_.end()) return false;
  it->second(std::move(link), std::move(early));
  return true;
}

}  // namespace telepane::core::session
