#include "server_settings.hpp"

#include <telepane/core/runtime/runtime.hpp>

namespace telepane::server {
namespace {
constexpr const char* kServerSections = R"JSON(
    "server": {
      "type": "object",
      "description": "What this telepane-server runs and where it keeps its state",
      "properties": {
        "roles": {"type": "array", "items": {"type": "string", "enum": ["rendezvous", "relay"]},
                  "default": ["rendezvous", "relay"], "minItems": 1,
                  "description": "The roles this process runs (--role)"},
        "data_dir": {"type": "string", "default": "",
                     "description": "Where the signing key and the registry live (--data; empty: ~/.local/share/telepane-server)"},
        "max_connections": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 20000,
                            "description": "Connections at once, per role"},
        "max_connections_per_source": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 64,
                                       "description": "Connections at once from one address, per role"}
      }
    },
    "rendezvous": {
      "type": "object",
      "description": "The rendezvous role: registration, lookup, relay assignment",
      "properties": {
        "listen": {"type": "string", "default": "0.0.0.0:21116",
                   "description": "TCP and UDP address of the rendezvous role (-p sets the port)"},
        "relays": {"type": "array", "items": {"type": "string"}, "default": [],
                   "description": "HOST:PORT of the relays to assign, round robin (-r); empty: this server's own relay, at the address the client reached us on"},
        "heartbeat_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 15000,
                         "description": "How often a host says it is still there; silence for three times this ends its registration"},
        "hello_timeout_ms": {"type": "integer", "minimum": 500, "maximum": 600000, "default": 10000,
                             "description": "A connection that has not registered or asked anything by then is closed"},
        "token_ttl_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 30000,
                         "description": "How long a relay token may wait to be used"},
        "lookups_per_second": {"type": "integer", "minimum": 1, "maximum": 10000000, "default": 20,
                               "description": "Lookups and relay requests one connection may make per second (burst: ten times this)"},
        "nat_test_port": {"type": "integer", "minimum": -1, "maximum": 65535, "default": -1,
                          "description": "The second UDP port of the STUN reflector, for NAT behaviour tests (telepane nat); -1: the rendezvous port - 1 (any free port when that is 0); 0: any free port"},
        "stun_answers_per_second": {"type": "integer", "minimum": 1, "maximum": 10000000, "default": 2000,
                                    "description": "STUN answers per second in all; each answer is also never larger than its request"}
      }
    },
    "relay": {
      "type": "object",
      "description": "The relay role: pairs two connections holding one token and forwards bytes it cannot read",
      "properties": {
        "listen": {"type": "string", "default": "0.0.0.0:21117",
                   "description": "TCP address of the relay role (-p sets the port to rendezvous port + 1)"},
        "key": {"type": "string", "default": "", "pattern": "^([A-Za-z0-9_-]{43})?$",
                "description": "The rendezvous server's public key that signs tokens (-k); empty: this server's own key"},
        "bandwidth_mbps": {"type": "number", "minimum": 0, "default": 0,
                           "description": "Total forwarding rate in Mbit/s (-b); 0: unlimited"},
        "session_bandwidth_mbps": {"type": "number", "minimum": 0, "default": 0,
                                   "description": "Each session's rate in Mbit/s, both directions together; 0: unlimited"},
        "pair_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 20000,
                            "description": "How long the first side waits for the second"},
        "idle_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 86400000, "default": 120000,
                            "description": "A session silent both ways this long is closed"}
      }
    })JSON";
}  // namespace

core::config::Schema server_settings() {
  return core::Runtime::settings_schema(kServerSections, "server settings");
}

}  // namespace telepane::server
