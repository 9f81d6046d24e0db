#include <telepane/core/session/admission.hpp>

namespace telepane::core::session {

std::variant<Admission::Ticket, std::string> Admission::admit(const std::string& source) {
  std::lock_guard lock(mu_);
  if (sessions_ >= limits_.max_sessions)
    return "too many sessions (" + std::to_string(limits_.max_sessions) + ") on this host";
  std::size_t& pending = pending_[source];
  if (pending >= limits_.max_pending_per_source) {
    return "too many connections still authenticating from " + source;
  }
  ++pending;
  ++sessions_;
  return Ticket(shared_from_this(), source);
}

std::size_t Admission::sessions() const {
  std::lock_guard lock(mu_);
  return sessions_;
}

void Admission::settle(const std::string& source) {
  std::lock_guard lock(mu_);
  if (auto it = pending_.find(source); it != pending_.end() && --it->second == 0) pending_.erase(it);
}

void Admission::release(const std::string& source, bool pending) {
  if (pending) settle(source);
  std::lock_guard lock(mu_);
  --sessions_;
}

Admission::Ticket::~Ticket() {
  if (owner_) owner_->release(source_, pending_);
}

void Admission::Ticket::authenticated() {
  if (owner_ && pending_) owner_->settle(source_);
  pending_ = false;
}

std::string address_without_port(const std::string& address) {
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace telepane::core::session
