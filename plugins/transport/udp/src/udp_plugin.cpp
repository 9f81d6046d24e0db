// transport plugin "udp": links over UDP, hole-punched through NATs when the rendezvous server coordinates them,
// or to a known address. Reliable ordered bytes over our own stream (docs/udp-transport.md says why); the bytes are
// the session's sealed frames, never plaintext.
#include "stream_link.hpp"
#include "udp_link.hpp"

#include <telepane/sdk/sdk.hpp>

namespace {
namespace udp = telepane::transport::udp;

constexpr const char* kSchema =
    R"json({"type": "object", "properties": {)json" TELEPANE_STREAM_SCHEMA_PROPERTIES R"json(,
  "window_bytes": {"type": "integer", "minimum": 65536, "maximum": 67108864, "default": 1048576,
                   "description": "Stream bytes a link buffers ahead of what it delivered (its receive window): at least the path's bandwidth times its round trip"},
  "mtu": {"type": "integer", "minimum": 576, "maximum": 9000, "default": 1280,
          "description": "The largest datagram tried; smaller ones are sent when the path refuses it"},
  "punch_timeout_ms": {"type": "integer", "minimum": 500, "maximum": 60000, "default": 3000,
                       "description": "How long hole punching probes the peer's candidates before giving up"},
  "gather_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 10000, "default": 800,
                        "description": "How long to wait for the rendezvous server's STUN answer when gathering candidates"},
  "keepalive_ms": {"type": "integer", "minimum": 100, "maximum": 60000, "default": 1000,
                   "description": "A ping this often holds the NATs' mappings open"},
  "idle_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 5000,
                      "description": "A path silent this long is lost (the session then resumes on a new one)"}
}})json";

const tp_transport_vtbl kVtable = {sizeof(tp_transport_vtbl), TP_TRANSPORT_STREAM, udp::connect,    udp::listen,
                                   udp::set_events,           udp::send,           udp::close_link, udp::close_listener,
                                   udp::listener_address,     udp::peer_address,   udp::punch_open, udp::punch};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.transport.udp", {0, 1, 0})
      .description(
          "UDP links: hole-punched through NATs, or to a known address; reliable ordered with selective acks and "
          "BBR-style pacing")
      .schema(kSchema)
      .feature(TP_KIND_TRANSPORT, "udp", 20, &kVtable)
      .on_load(udp::load)
      .on_unload(udp::unload);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
