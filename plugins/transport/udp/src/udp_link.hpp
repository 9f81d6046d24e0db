// UDP links: one socket per punched or connected link (a listener's socket carries many), demultiplexed by link
// id; reliable ordered bytes (reliable_stream.hpp); probes that punch and say hello; pings that hold NAT mappings and
// notice a dead path; a link follows its peer to a new address (NAT rebinding). The vtable functions are
// tp_transport.h's, documented there.
#pragma once

#include "stream_link.hpp"  // Io: the plugin's io thread

#include <telepane/abi/tp_transport.h>
#include <telepane/sdk/host.hpp>

#include <chrono>
#include <cstddef>

namespace telepane::transport::udp {

struct Settings {
  std::size_t window_bytes = 1u << 20;  // the receive window
  uint16_t mtu = 1280;                  // the largest datagram tried first; smaller ones when refused
  std::chrono::milliseconds punch_timeout{3000};
  std::chrono::milliseconds gather_timeout{800};
  std::chrono::milliseconds keepalive{1000};
  std::chrono::milliseconds idle_timeout{5000};
};

// What on_load keeps in the plugin-data slot.
struct Runtime {
  Io io;
  Settings settings;
};

void load(sdk::Host host);
void unload(sdk::Host host);

tp_status connect(const tp_host* h, const char* address, const tp_link_events* events, tp_link** out, tp_error* err);
tp_status listen(const tp_host* h, const char* address, void* user, void (*on_accept)(void*, tp_link*),
                 tp_listener** out, tp_error* err);
tp_status set_events(tp_link* link, const tp_link_events* events);
tp_status send(tp_link* link, tp_bytes data, tp_error* err);
void close_link(tp_link* link);
void close_listener(tp_listener* listener);
tp_status listener_address(tp_listener* listener, char* buf, size_t cap, size_t* len);
tp_status peer_address(tp_link* link, char* buf, size_t cap, size_t* len);
tp_status punch_open(const tp_host* host, const char* reflector, tp_bytes link_id, int initiator,
                     const tp_link_events* events, tp_link** out, char* buf, size_t cap, size_t* len, tp_error* err);
tp_status punch(tp_link* link, const char* candidates, tp_error* err);

}  // namespace telepane::transport::udp
