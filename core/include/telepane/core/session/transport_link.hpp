// A transport plugin's link or listener, owned on the core side: closed through its vtable, pinning its library,
// with C++ handlers. Data that arrives before handlers are set is held (bounded) and handed over when they are.
#pragma once

#include <telepane/abi/tp_transport.h>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/wire.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace telepane::core::session {

class TransportLink {
 public:
  using OnData = std::function<void(ByteView)>;                         // [the transport's io thread]
  using OnClosed = std::function<void(tp_status, const std::string&)>;  // [the transport's io thread], once

  // Starts connecting; failures arrive through on_closed. Throws SessionError when the address is refused at once.
  static std::unique_ptr<TransportLink> connect(const plugins::FeatureRef& transport, const std::string& address);
  // Whether `transport` can hole-punch (ABI 1.3 punch_open and punch).
  static bool can_punch(const plugins::FeatureRef& transport);
  // A link to be hole-punched, and this end's candidates for the peer (see tp_transport_vtbl.punch_open). Blocks
  // while the transport asks `reflector`. Throws SessionError with the transport's reason.
  static std::unique_ptr<TransportLink> punch_open(const plugins::FeatureRef& transport, const std::string& reflector,
                                                   ByteView link_id, bool initiator,
                                                   std::vector<std::string>& candidates);
  // Starts punching toward the peer's candidates ("ip:port"); the link connects or closes with the reason. Throws
  // SessionError.
  void punch(const std::vector<std::string>& candidates);
  ~TransportLink();  // closes; no handler runs after it returns
  TransportLink(const TransportLink&) = delete;
  TransportLink& operator=(const TransportLink&) = delete;

  void set_handlers(OnData on_data, OnClosed on_closed);
  // TP_ERR_AGAIN when the transport's send buffer is full; TP_ERR_CLOSED once the link is gone. [any thread]
  tp_status send(ByteView bytes);
  // "ip:port" of the other end once connected; empty before.
  std::string peer_address() const;
  // Why the link already ended, while no handlers are set (a connect or a punch that failed); nullopt otherwise.
  std::optional<std::string> ended() const;

  class Key {  // only this file's factories construct, yet make_unique works
    friend class TransportLink;
    friend class TransportListener;
    Key() = default;
  };
  TransportLink(Key, const plugins::FeatureRef& transport);

 private:
  friend class TransportListener;
  static tp_link_events events_for(TransportLink* self);
  void deliver(ByteView bytes);
  void closed(tp_status why, const std::string& reason);

  std::shared_ptr<plugins::Library> library_;
  const tp_transport_vtbl* vt_;
  tp_link* link_ = nullptr;
  mutable std::mutex mu_;
  OnData on_data_;
  OnClosed on_closed_;
  Bytes early_;  // data before handlers
  std::optional<std::pair<tp_status, std::string>> early_close_;
};

class TransportListener {
 public:
  using OnLink = std::function<void(std::unique_ptr<TransportLink>)>;  // [the transport's io thread]
  static std::unique_ptr<TransportListener> listen(const plugins::FeatureRef& transport, const std::string& address,
                                                   OnLink on_link);
  ~TransportListener();
  std::string address() const;

 private:
  plugins::FeatureRef transport_;
  const tp_transport_vtbl* vt_ = nullptr;
  tp_listener* listener_ = nullptr;
  OnLink on_link_;
};

}  // namespace telepane::core::session
