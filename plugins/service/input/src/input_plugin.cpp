// service plugin "input": the viewer's mouse and keyboard on the host, at the session's highest priority. The
// viewer's frontend publishes input events on "input.send" (telepane/sdk/input_events.hpp); the host injects them with
// XTest. A host that does not grant "input" (view-only) has no such channel: the session refuses any input sent anyway.
#include <telepane/sdk/input_events.hpp>
#include "xtest_injector.hpp"

#include <telepane/abi/tp_service.h>
#include <telepane/sdk/sdk.hpp>

#include <memory>

struct tp_service {
  telepane::sdk::Host host;
  tp_session_api session;
  std::unique_ptr<telepane::input::XTestInjector> injector;  // host only
  telepane::sdk::Subscription outgoing;                      // viewer only
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "display": {"type": "string", "default": "",
                "description": "Host: the X display input goes to, e.g. \":0\"; empty: $DISPLAY"}
  }
})JSON";

tp_status create(const tp_host* h, const tp_session_api* session, tp_service** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (session == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    Host host(h);
    auto svc = std::make_unique<tp_service>(tp_service{host, *session, nullptr, {}});
    if (session->is_host) {
      try {
        svc->injector = std::make_unique<telepane::input::XTestInjector>(host.config_string("display").value_or(""));
      } catch (const std::exception& e) {
        throw Error(TP_ERR_UNSUPPORTED, e.what());
      }
    } else {
      tp_service* self = svc.get();
      self->outgoing = host.subscribe("input.send", [self](std::string_view, std::string_view bytes) {
        std::string why;
        if (!telepane::sdk::input::decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), why)) {
          self->host.warn("input not sent: " + why);
          return;
        }
        self->session.send(self->session.ctx, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
      });
    }
    *out = svc.release();
  });
}

tp_status on_message(tp_service* self, tp_bytes message, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (!self->injector) throw Error(TP_ERR_PROTOCOL, "input sent to the viewer");
    std::string why;
    auto event = telepane::sdk::input::decode(message.data, message.size, why);
    if (!event) throw Error(TP_ERR_PROTOCOL, why);
    if (!self->injector->inject(*event, why)) self->host.debug("input: " + why);  // a key this map lacks: skipped
  });
}

void destroy(tp_service* self) {
  std::unique_ptr<tp_service>(self).reset();
}

const tp_service_vtbl kVtable = {sizeof(tp_service_vtbl), "input", TP_PRIORITY_INPUT, create, on_message, destroy};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.service.input", {0, 1, 0})
      .description("The viewer's mouse and keyboard on the host (XTest), at the highest priority")
      .schema(kSchema)
      .feature(TP_KIND_SERVICE, "input", 0, &kVtable);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
