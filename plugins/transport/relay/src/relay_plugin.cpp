// transport plugin "relay": meets the other peer at a telepane-server relay, presenting the token the rendezvous
// server issued to both. The relay splices sealed frames it cannot read; this plugin never sees plaintext either.
// Hosts do not listen here: the rendezvous connection tells them where to meet.
#include "relay_hello.hpp"

#include <telepane/sdk/sdk.hpp>

namespace {
namespace tr = telepane::transport;
using telepane::sdk::Error;

constexpr const char* kSchema = "{\"type\": \"object\", \"properties\": {" TELEPANE_STREAM_SCHEMA_PROPERTIES "}}";

tp_status connect(const tp_host* h, const char* address, const tp_link_events* events, tp_link** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (address == nullptr || events == nullptr || out == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    std::string why;
    auto a = tr::relay::parse_relay_address(address, why);
    if (!a) throw Error(TP_ERR_INVALID_ARGUMENT, why);
    *out =
        tr::connect_stream(h, a->relay, *events, tr::Gate{tr::relay::relay_hello(*a), tr::relay::judge_relay_answer});
  });
}

tp_status listen(const tp_host*, const char*, void*, void (*)(void*, tp_link*), tp_listener**, tp_error* err) {
  telepane::sdk::set_error(err, "the relay transport does not listen: hosts meet viewers through rendezvous offers");
  return TP_ERR_UNSUPPORTED;
}

const tp_transport_vtbl kVtable = {sizeof(tp_transport_vtbl), TP_TRANSPORT_STREAM,   connect,        listen,
                                   tr::set_link_events,       tr::send_stream,       tr::close_link, tr::close_listener,
                                   tr::listener_address,      tr::link_peer_address, nullptr,        nullptr};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.transport.relay", {0, 1, 0})
      .description("Links through a telepane-server relay, admitted by a rendezvous-signed token")
      .schema(kSchema)
      .feature(TP_KIND_TRANSPORT, "relay", 5, &kVtable)
      .on_load(tr::load_io)
      .on_unload(tr::unload_io);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
