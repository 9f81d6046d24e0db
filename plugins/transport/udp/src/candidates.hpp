// Where a punched link can be reached: this host's own addresses (a peer behind the same NAT gets there directly)
// and the address the NAT maps the link's socket to, as the rendezvous server's STUN reflector sees it. A NAT that
// maps each destination to a new port (symmetric) is asked twice, at the reflector's two ports: when the ports it
// hands out step by a small constant, the next few are predicted and offered too.
#pragma once

#include "udp_endpoint.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace telepane::transport::udp {

constexpr std::size_t kMaxCandidates = 8;  // what the rendezvous server passes on

// Resolves "host:port" (the reflector); nullopt when it does not resolve to an IPv4 address. [control thread]
std::optional<udp::endpoint> resolve_reflector(const std::string& text);

// [control thread] Local addresses first, then the mapped one, then predictions; at most kMaxCandidates.
std::vector<udp::endpoint> gather(Endpoint& endpoint, const std::optional<udp::endpoint>& reflector,
                                  std::chrono::milliseconds budget);

// The predicted ports after two mappings `first` then `second` of one socket: none unless they step by 1..16.
std::vector<uint16_t> predict_ports(uint16_t first, uint16_t second, int how_many);

std::string join(const std::vector<udp::endpoint>& list);
// "ip:port,ip:port": the IPv4 entries that parse, at most 16; the rest are skipped.
std::vector<udp::endpoint> parse_candidates(const std::string& text);

}  // namespace telepane::transport::udp
