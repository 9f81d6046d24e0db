// transport plugin "tcp": direct TCP links (LAN, port-forwarded, a known address). The bytes it carries are the
// session's sealed frames; it never sees plaintext.
#include "stream_link.hpp"

#include <telepane/sdk/sdk.hpp>

namespace {
namespace tr = telepane::transport;
using telepane::sdk::Error;

constexpr const char* kSchema = "{\"type\": \"object\", \"properties\": {" TELEPANE_STREAM_SCHEMA_PROPERTIES "}}";

tp_status connect(const tp_host* h, const char* address, const tp_link_events* events, tp_link** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (address == nullptr || events == nullptr || out == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    *out = tr::connect_stream(h, address, *events, std::nullopt);
  });
}

const tp_transport_vtbl kVtable = {sizeof(tp_transport_vtbl), TP_TRANSPORT_STREAM,   connect,        tr::listen_stream,
                                   tr::set_link_events,       tr::send_stream,       tr::close_link, tr::close_listener,
                                   tr::listener_address,      tr::link_peer_address, nullptr,        nullptr};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.transport.tcp", {0, 1, 0})
      .description("Direct TCP links: LAN, port-forwarded or a known address (always end-to-end encrypted)")
      .schema(kSchema)
      .feature(TP_KIND_TRANSPORT, "tcp", 10, &kVtable)
      .on_load(tr::load_io)
      .on_unload(tr::unload_io);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
