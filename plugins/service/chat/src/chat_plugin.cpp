// service plugin "chat": text both ways in a session. The frontend (or the headless terminal) publishes what the
// person types on "chat.send" and shows what arrives on "chat.received"; this plugin carries it on the session's
// chat channel and checks what the peer sends.
//
// Message on the channel: [u8 type = 1][UTF-8 text, 1..max_bytes], no control characters but tab and newline.
#include <telepane/abi/tp_service.h>
#include <telepane/sdk/sdk.hpp>
#include <telepane/sdk/text.hpp>

#include <cstring>
#include <string>

struct tp_service {
  telepane::sdk::Host host;
  tp_session_api session;
  std::size_t max_bytes;
  telepane::sdk::Subscription outgoing;
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr uint8_t kText = 1;
constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "max_bytes": {"type": "integer", "minimum": 16, "maximum": 65536, "default": 4096,
                  "description": "Longest chat message, in bytes of UTF-8, either way"}
  }
})JSON";

// Why `text` is not acceptable chat, or empty when it is.
std::string check_text(std::string_view text, std::size_t max_bytes) {
  if (text.empty()) return "empty chat message";
  if (text.size() > max_bytes) return "chat message over " + std::to_string(max_bytes) + " bytes";
  const auto check = telepane::sdk::check_utf8(text);
  if (!check.valid_utf8) return "chat message is not valid UTF-8";
  // Carriage returns too are refused in chat: a line is a line.
  if (check.has_controls || text.find('\r') != std::string_view::npos)
    return "chat message contains control characters";
  return {};
}

tp_status create(const tp_host* h, const tp_session_api* session, tp_service** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (session == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    Host host(h);
    auto svc = std::make_unique<tp_service>(
        tp_service{host, *session, std::size_t(host.config_int("max_bytes").value_or(4096)), {}});
    tp_service* self = svc.get();
    self->outgoing = host.subscribe("chat.send", [self](std::string_view, std::string_view text) {
      if (std::string why = check_text(text, self->max_bytes); !why.empty()) {
        self->host.warn("not sent: " + why);
        return;
      }
      std::string msg(1, char(kText));
      msg += text;
      self->session.send(self->session.ctx, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()});
    });
    *out = svc.release();
  });
}

tp_status on_message(tp_service* self, tp_bytes message, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (message.size < 1 || message.data[0] != kText) throw Error(TP_ERR_PROTOCOL, "unknown chat message type");
    const std::string_view text(reinterpret_cast<const char*>(message.data) + 1, message.size - 1);
    if (std::string why = check_text(text, self->max_bytes); !why.empty()) throw Error(TP_ERR_PROTOCOL, why);
    self->host.publish("chat.received", text);
  });
}

void destroy(tp_service* self) {
  std::unique_ptr<tp_service>(self).reset();
}

const tp_service_vtbl kVtable = {sizeof(tp_service_vtbl), "chat", TP_PRIORITY_CONTROL, create, on_message, destroy};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.service.chat", {0, 1, 0})
      .description("Text chat both ways during a session")
      .schema(kSchema)
      .feature(TP_KIND_SERVICE, "chat", 0, &kVtable);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
