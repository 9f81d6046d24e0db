// Who may open a session right now: a cap on sessions in all and on sessions still authenticating per source
// address, so a flood of half-open connections from one place cannot lock everyone else out. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

namespace telepane::core::session {

struct AdmissionLimits {
  std::size_t max_sessions = 32;
  std::size_t max_pending_per_source = 4;
};

class Admission : public std::enable_shared_from_this<Admission> {
 public:
  explicit Admission(AdmissionLimits limits) : limits_(limits) {}

  // A slot; released when destroyed.
  class Ticket {
   public:
    Ticket(Ticket&&) noexcept = default;
    Ticket& operator=(Ticket&&) noexcept = default;
    ~Ticket();
    // The session authenticated: it no longer counts against its source's pending cap.
    void authenticated();
    bool pending() const { return pending_; }

   private:
    friend class Admission;
    Ticket(std::shared_ptr<Admission> owner, std::string source)
        : owner_(std::move(owner)), source_(std::move(source)) {}
    std::shared_ptr<Admission> owner_;
    std::string source_;
    bool pending_ = true;
  };

  // A ticket, or the reason the connection is refused. `source` is the peer's address without its port.
  std::variant<Ticket, std::string> admit(const std::string& source);
  std::size_t sessions() const;

 private:
  void release(const std::string& source, bool pending);
  void settle(const std::string& source);

  AdmissionLimits limits_;
  mutable std::mutex mu_;
  std::size_t sessions_ = 0;
  std::map<std::string, std::size_t> pending_;
};

// "1.2.3.4:5678" -> "1.2.3.4", "[::1]:5678" -> "[::1]".
std::string address_without_port(const std::string& address);

}  // namespace telepane::core::session
