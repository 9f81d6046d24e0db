#include "session/hosting.hpp"

#include "session/direct_addresses.hpp"
#include "session/screen_setup.hpp"

#include <algorithm>
#include <set>

namespace telepane::app {
namespace cs = core::session;

struct Hosting::Hosted {
  uint64_t token;
  std::string address;
  cs::Admission::Ticket ticket;
  std::unique_ptr<cs::PeerSession> session;
};

Hosting::Hosting(core::Runtime& rt, HostingOptions options, const std::optional<RendezvousServer>& server) : rt_(rt) {
  const auto& id = *options.identity;
  cfg_ = session_config(rt, id, /*viewer=*/false);
  if (!cfg_.auth)
    throw std::runtime_error("no authentication method is loaded; refusing to share this machine without one");
  const auto& core = rt.core_config();
  for (auto& g : core.at_path("host.grant")->items()) cfg_.grant.push_back(g.text());
  if (std::find(cfg_.grant.begin(), cfg_.grant.end(), core::media::kScreenCapability) != cfg_.grant.end())
    cfg_.services.push_back(host_screen(rt));
  std::set<std::string> trusted;
  for (auto& t : core.at_path("host.trusted")->items()) trusted.insert(t.text().substr(10));
  cfg_.trusted = [trusted](const cs::Key32& key) { return trusted.count(core::identity::fingerprint_of(key)) > 0; };
  cs::BackoffPolicy backoff;
  backoff.base = std::chrono::milliseconds(*core.at_path("host.auth_backoff_ms")->as_int());
  cfg_.limiter = std::make_shared<cs::FailureLimiter>(backoff);  // shared by every session: guessing spans connections
  cfg_.limiter_keys = {"id:" + id.numeric_id()};
  cfg_.auth_timeout = std::chrono::milliseconds(*core.at_path("host.auth_timeout_ms")->as_int());
  cfg_.resume_window = std::chrono::milliseconds(*core.at_path("host.resume_window_ms")->as_int());
  cfg_.resume_directory = std::make_shared<cs::ResumeDirectory>();
  const std::string confirm = core.at_path("host.confirm")->text();
  if (confirm == "ask") {
    if (options.ask) {
      cfg_.confirm = options.ask;
    } else {
      cfg_.confirm = [notice = options.notice](const cs::ConfirmRequest& r,
                                               std::function<void(cs::ConfirmDecision)> answer) {
        if (notice) notice("refused a viewer from " + r.viewer_address + ": nobody is here to accept it");
        answer({});
      };
    }
  }
  if (confirm == "deny")
    cfg_.confirm = [notice = options.notice](const cs::ConfirmRequest& r,
                                             std::function<void(cs::ConfirmDecision)> answer) {
      if (notice) notice("refused a viewer from " + r.viewer_address + ": host.confirm is deny");
      answer({});
    };
  admission_ = std::make_shared<cs::Admission>(
      cs::AdmissionLimits{std::size_t(*core.at_path("host.max_sessions")->as_int()),
                          std::size_t(*core.at_path("host.max_pending_per_source")->as_int())});

  listener_ = cs::TransportListener::listen(transport(rt, "tcp"), options.listen,
                                            [this](std::unique_ptr<cs::TransportLink> link) {
                                              const std::string source = cs::address_without_port(link->peer_address());
                                              accept(std::move(link), source);
                                            });
  listen_address_ = listener_->address();
  // The same port over UDP, for viewers that connect with --address udp:HOST:PORT (punched links have sockets of
  // their own). Taken already: TCP still serves.
  if (auto udp = rt.plugins().feature(TP_KIND_TRANSPORT, "udp")) {
    try {
      udp_listener_ =
          cs::TransportListener::listen(*udp, listen_address_, [this](std::unique_ptr<cs::TransportLink> link) {
            const std::string source = cs::address_without_port(link->peer_address());
            accept(std::move(link), source);
          });
    } catch (const std::exception& e) {
      rt.logger().warn("host", std::string("no UDP listener: ") + e.what());
    }
  }
  if (server) {
    core::rendezvous::HostRegistration::Options ro;
    ro.transport = transport(rt, "tcp");
    ro.server = server->address;
    ro.server_key = server->key;
    ro.identity = &id;
    ro.timeout = server->timeout;
    ro.addresses = direct_addresses(listen_address_);
    ro.listen_port = uint16_t(std::stoi(listen_address_.substr(listen_address_.rfind(':') + 1)));
    auto relay = rt.plugins().feature(TP_KIND_TRANSPORT, "relay");
    ro.on_offer = [this, relay](const core::rendezvous::RelayOffer& offer) {
      if (!relay)
        return rt_.logger().warn("host", "a viewer asked for the relay, but the relay transport is not loaded");
      try {
        accept(cs::TransportLink::connect(*relay, core::rendezvous::relay_link_address(offer, false)),
               cs::address_without_port(offer.peer_address()));
      } catch (const std::exception& e) {
        rt_.logger().warn("host", std::string("cannot meet a viewer at the relay: ") + e.what());
      }
    };
    // A viewer asks to punch: open a UDP link of our own toward its candidates, answer with ours, and treat the
    // link as a new connection (a session starts on it once it connects; one that never connects ends unseen).
    if (auto udp = rt.plugins().feature(TP_KIND_TRANSPORT, "udp"); udp && cs::TransportLink::can_punch(*udp)) {
      ro.on_punch = [this, udp = *udp, reflector = server->address](const core::rendezvous::Punch& p) {
        std::vector<std::string> mine;
        if (p.link_id().size() < 8) return mine;
        try {
          auto link = cs::TransportLink::punch_open(
              udp, reflector, {reinterpret_cast<const uint8_t*>(p.link_id().data()), p.link_id().size()}, false, mine);
          link->punch({p.candidates().begin(), p.candidates().end()});
          accept(std::move(link), cs::address_without_port(p.peer_address()));
        } catch (const std::exception& e) {
          rt_.logger().warn("host", std::string("cannot punch toward a viewer: ") + e.what());
        }
        return mine;
      };
    }
    ro.on_state = options.on_rendezvous_state;
    registration_ = std::make_unique<core::rendezvous::HostRegistration>(std::move(ro), rt.logger());
  }
}

Hosting::~Hosting() {
  registration_.reset();
  listener_.reset();
  udp_listener_.reset();
  end(0, "the host stopped sharing");
  std::vector<std::unique_ptr<Hosted>> ending;
  {
    std::lock_guard lock(mu_);
    ending.swap(sessions_);
  }
}

void Hosting::accept(std::unique_ptr<cs::TransportLink> link, const std::string& source) {
  auto admitted = admission_->admit(source);
  if (auto* why = std::get_if<std::string>(&admitted)) {
    rt_.logger().debug("host", "refused a connection: " + *why);
    return;  // the link closes as it goes out of scope
  }
  auto session_cfg = cfg_;
  session_cfg.limiter_keys.push_back("source:" + source);
  auto s = std::make_unique<cs::PeerSession>(std::move(session_cfg), std::move(link), rt_.bus(), rt_.logger());
  std::lock_guard lock(mu_);
  sessions_.push_back(std::make_unique<Hosted>(
      Hosted{next_token_++, source, std::move(std::get<cs::Admission::Ticket>(admitted)), std::move(s)}));
}

void Hosting::tend() {
  std::vector<std::unique_ptr<Hosted>> finished;  // destroyed outside the lock: a session's destructor joins its worker
  std::lock_guard lock(mu_);
  for (auto& h : sessions_)
    if (h->ticket.pending() && h->session->authenticated()) h->ticket.authenticated();
  auto done = std::partition(sessions_.begin(), sessions_.end(), [](auto& h) {
    return !h->session->wait_closed(std::chrono::milliseconds(0)).has_value();
  });
  std::move(done, sessions_.end(), std::back_inserter(finished));
  sessions_.erase(done, sessions_.end());
}

std::vector<HostedSession> Hosting::sessions() {
  std::vector<HostedSession> out;
  std::lock_guard lock(mu_);
  for (auto& h : sessions_) {
    HostedSession v{h->token, h->address, h->session->authenticated(), {}};
    if (v.authenticated) v.permissions = h->session->capabilities();
    out.push_back(std::move(v));
  }
  return out;
}

void Hosting::end(uint64_t token, const std::string& reason) {
  std::lock_guard lock(mu_);
  for (auto& h : sessions_)
    if (token == 0 || h->token == token) h->session->close(reason);
}

}  // namespace telepane::app
