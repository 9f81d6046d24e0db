// service plugin "clipboard": text copied on one side can be pasted on the other. The host's side is the X11
// CLIPBOARD selection (x11_clipboard.hpp); the viewer's side is its frontend, through the bus: it publishes what
// the person copied on "clipboard.send" and sets its own clipboard from "clipboard.received".
//
// Message on the channel: [u8 type = 1][UTF-8 text, 1..max_bytes].
#include "x11_clipboard.hpp"

#include <telepane/abi/tp_service.h>
#include <telepane/sdk/sdk.hpp>
#include <telepane/sdk/text.hpp>

#include <memory>
#include <mutex>

struct tp_service {
  tp_service(telepane::sdk::Host h, const tp_session_api& s, std::size_t max) : host(h), session(s), max_bytes(max) {}
  telepane::sdk::Host host;
  tp_session_api session;
  std::size_t max_bytes;
  std::mutex mu;
  std::string last;  // the text last carried either way: not sent back where it came from
  std::unique_ptr<telepane::clipboard::X11Clipboard> x11;  // host only
  telepane::sdk::Subscription outgoing;                    // viewer only
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr uint8_t kText = 1;
constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "max_bytes": {"type": "integer", "minimum": 16, "maximum": 16777216, "default": 1048576,
                  "description": "Largest clipboard text carried, in bytes of UTF-8, either way"},
    "display": {"type": "string", "default": "",
                "description": "Host: the X display whose CLIPBOARD is shared, e.g. \":0\"; empty: $DISPLAY"}
  }
})JSON";

// Sends `text` unless it is what just came from the peer.
void offer(tp_service* self, const std::string& text) {
  if (text.empty() || text.size() > self->max_bytes || !telepane::sdk::check_utf8(text).valid_utf8) return;
  {
    std::lock_guard lock(self->mu);
    if (text == self->last) return;
    self->last = text;
  }
  std::string msg(1, char(kText));
  msg += text;
  self->session.send(self->session.ctx, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()});
}

tp_status create(const tp_host* h, const tp_session_api* session, tp_service** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (session == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    Host host(h);
    auto svc =
        std::make_unique<tp_service>(host, *session, std::size_t(host.config_int("max_bytes").value_or(1 << 20)));
    tp_service* self = svc.get();
    if (session->is_host) {
      try {
        svc->x11 = std::make_unique<telepane::clipboard::X11Clipboard>(
            host.config_string("display").value_or(""), svc->max_bytes,
            [self](const std::string& text) { offer(self, text); });
      } catch (const std::exception& e) {
        throw Error(TP_ERR_UNSUPPORTED, e.what());
      }
    } else {
      self->outgoing = host.subscribe(
          "clipboard.send", [self](std::string_view, std::string_view text) { offer(self, std::string(text)); });
    }
    *out = svc.release();
  });
}

tp_status on_message(tp_service* self, tp_bytes message, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (message.size < 2 || message.data[0] != kText) throw Error(TP_ERR_PROTOCOL, "unknown clipboard message");
    if (message.size - 1 > self->max_bytes)
      throw Error(TP_ERR_PROTOCOL, "clipboard text over " + std::to_string(self->max_bytes) + " bytes");
    std::string text(reinterpret_cast<const char*>(message.data) + 1, message.size - 1);
    if (!telepane::sdk::check_utf8(text).valid_utf8) throw Error(TP_ERR_PROTOCOL, "clipboard text is not valid UTF-8");
    {
      std::lock_guard lock(self->mu);
      self->last = text;
    }
    if (self->x11)
      self->x11->set(text);
    else
      self->host.publish("clipboard.received", text);
  });
}

void destroy(tp_service* self) {
  std::unique_ptr<tp_service>(self).reset();
}

const tp_service_vtbl kVtable = {
    sizeof(tp_service_vtbl), "clipboard", TP_PRIORITY_CONTROL, create, on_message, destroy};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.service.clipboard", {0, 1, 0})
      .description("Clipboard text both ways: the host's X11 CLIPBOARD and the viewer's frontend")
      .schema(kSchema)
      .feature(TP_KIND_SERVICE, "clipboard", 0, &kVtable);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
