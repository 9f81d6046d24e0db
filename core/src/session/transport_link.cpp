#include <telepane/core/session/secure_session.hpp>
#include <telepane/core/session/transport_link.hpp>

#include <algorithm>

namespace telepane::core::session {
namespace {
constexpr std::size_t kMaxEarlyBytes = 1 << 20;
}

TransportLink::TransportLink(Key, const plugins::FeatureRef& transport)
    : library_(transport.library), vt_(transport.vtable<tp_transport_vtbl>()) {}

tp_link_events TransportLink::events_for(TransportLink* self) {
  return {sizeof(tp_link_events), self,
          [](void* u, tp_bytes b) {
            static_cast<TransportLink*>(u)->deliver({b.data, b.size});
          },
          [](void* u, tp_status why, const char* reason) {
            static_cast<TransportLink*>(u)->closed(why, reason != nullptr ? reason : "");
          }};
}

std::unique_ptr<TransportLink> TransportLink::connect(const plugins::FeatureRef& transport,
                                                      const std::string& address) {
  auto self = std::make_unique<TransportLink>(Key{}, transport);
  const tp_link_events events = events_for(self.get());
  tp_error err{};
  if (tp_status s = self->vt_->connect(transport.host, address.c_str(), &events, &self->link_, &err); s != TP_OK)
    throw SessionError(err.message[0] ? err.message : "cannot connect to " + address);
  return self;
}

bool TransportLink::can_punch(const plugins::FeatureRef& transport) {
  const auto* vt = transport.vtable<tp_transport_vtbl>();
  return vt->struct_size >= sizeof(tp_transport_vtbl) && vt->punch_open != nullptr && vt->punch != nullptr;
}

std::unique_ptr<TransportLink> TransportLink::punch_open(const plugins::FeatureRef& transport,
                                                         const std::string& reflector, ByteView link_id, bool initiator,
                                                         std::vector<std::string>& candidates) {
  if (!can_punch(transport)) throw SessionError("this transport cannot punch");
  auto self = std::make_unique<TransportLink>(Key{}, transport);
  const tp_link_events events = events_for(self.get());
  tp_error err{};
  char buf[1024];
  size_t len = 0;
  if (tp_status s = self->vt_->punch_open(transport.host, reflector.c_str(), {link_id.data(), link_id.size()},
                                          initiator ? 1 : 0, &events, &self->link_, buf, sizeof buf, &len, &err);
      s != TP_OK)
    throw SessionError(err.message[0] ? err.message : "cannot open a punched link");
  candidates.clear();  // the ABI's list is comma-separated
  const std::string list(buf, len);
  for (std::size_t at = 0; at < list.size();) {
    const auto comma = std::min(list.find(',', at), list.size());
    if (comma > at) candidates.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  return self;
}

void TransportLink::punch(const std::vector<std::string>& candidates) {
  std::string list;
  for (auto& c : candidates) list += (list.empty() ? "" : ",") + c;
  tp_error err{};
  if (vt_->punch(link_, list.c_str(), &err) != TP_OK)
    throw SessionError(err.message[0] ? err.message : "cannot punch toward " + list);
}

TransportLink::~TransportLink() {
  if (link_ != nullptr) vt_->close_link(link_);
}

void TransportLink::set_handlers(OnData on_data, OnClosed on_closed) {
  Bytes early;
  std::optional<std::pair<tp_status, std::string>> early_close;
  {
    std::lock_guard lock(mu_);
    on_data_ = std::move(on_data);
    on_closed_ = std::move(on_closed);
    early.swap(early_);
    early_close.swap(early_close_);
  }
  if (!early.empty()) on_data_(early);
  if (early_close) on_closed_(early_close->first, early_close->second);
}

tp_status TransportLink::send(ByteView bytes) {
  tp_error err{};
  return vt_->send(link_, {bytes.data(), bytes.size()}, &err);
}

std::string TransportLink::peer_address() const {
  char buf[128];
  size_t len = 0;
  return vt_->peer_address(link_, buf, sizeof buf, &len) == TP_OK ? std::string(buf, len) : std::string();
}

std::optional<std::string> TransportLink::ended() const {
  std::lock_guard lock(mu_);
  if (!early_close_) return std::nullopt;
  return early_close_->second;
}

void TransportLink::deliver(ByteView bytes) {
  std::unique_lock lock(mu_);
  if (!on_data_) {
    if (early_.size() + bytes.size() <= kMaxEarlyBytes) early_.insert(early_.end(), bytes.begin(), bytes.end());
    return;
  }
  auto handler = on_data_;
  lock.unlock();
  handler(bytes);
}

void TransportLink::closed(tp_status why, const std::string& reason) {
  std::unique_lock lock(mu_);
  if (!on_closed_) {
    early_close_.emplace(why, reason);
    return;
  }
  auto handler = on_closed_;
  lock.unlock();
  handler(why, reason);
}

std::unique_ptr<TransportListener> TransportListener::listen(const plugins::FeatureRef& transport,
                                                             const std::string& address, OnLink on_link) {
  auto self = std::make_unique<TransportListener>();
  self->transport_ = transport;
  self->vt_ = transport.vtable<tp_transport_vtbl>();
  self->on_link_ = std::move(on_link);
  tp_error err{};
  const tp_status s = self->vt_->listen(
      transport.host, address.c_str(), self.get(),
      [](void* u, tp_link* link) {
        auto* l = static_cast<TransportListener*>(u);
        auto wrapped = std::make_unique<TransportLink>(TransportLink::Key{}, l->transport_);
        wrapped->link_ = link;
        const tp_link_events events = TransportLink::events_for(wrapped.get());
        l->vt_->set_events(link, &events);
        l->on_link_(std::move(wrapped));
      },
      &self->listener_, &err);
  if (s != TP_OK) throw SessionError(err.message[0] ? err.message : "cannot listen on " + address);
  return self;
}

TransportListener::~TransportListener() {
  if (listener_ != nullptr) vt_->close_listener(listener_);
}

std::string TransportListener::address() const {
  char buf[128];
  size_t len = 0;
  return vt_->listener_address(listener_, buf, sizeof buf, &len) == TP_OK ? std::string(buf, len) : std::string();
}

}  // namespace telepane::core::session
