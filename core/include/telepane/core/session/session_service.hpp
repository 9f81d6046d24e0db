// A service as the session engine runs it: one named capability on its own channel in each session. Plugin
// services (tp_service_vtbl) are adapted to this by plugin_service(); core's own services (the screen stream,
// which needs capture and codec plugins together) implement it directly.
#pragma once

#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/multiplexer.hpp>
#include <telepane/core/session/wire.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace telepane::core::session {

// What a service may do with its session. Valid until the service object is destroyed.
class ServiceEndpoint {
 public:
  virtual ~ServiceEndpoint() = default;
  // Queues one message on the service's channel; the engine seals and sends it from its worker. [any thread]
  virtual void send(Bytes message) = 0;
  // Ends the session with a reason shown to both people. [any thread]
  virtual void close(const std::string& reason) = 0;
  virtual bool is_host() const = 0;
};

// A service's state in one session. Destroyed on the session's worker when the session ends; the destructor must
// stop the service's own threads before it returns.
class SessionService {
 public:
  virtual ~SessionService() = default;
  // A message from the peer on this service's channel. Throws ServiceError for a message that breaks the service's
  // protocol: the session then ends. [session worker] must not block.
  virtual void on_message(ByteView message) = 0;
};

struct ServiceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How a session starts one service. `create` runs on the session worker once the capability is granted; it may
// throw ServiceError, and the session then runs without that service (logged).
struct ServiceSpec {
  std::string capability;
  ChannelPolicy policy;
  std::function<std::unique_ptr<SessionService>(ServiceEndpoint&)> create;
};

// A plugin's service feature (TP_KIND_SERVICE) as a ServiceSpec; the spec pins the plugin's library.
ServiceSpec plugin_service(const plugins::FeatureRef& feature);

}  // namespace telepane::core::session
