// What this machine's NAT does, in RFC 4787 terms, asked of the rendezvous server's STUN reflector (two ports of
// one address): whether the mapping a socket gets depends on where it sends (symmetric) or not (cone-like), and
// whether the NAT lets in answers from a port this socket never sent to. Hole punching needs endpoint-independent
// mapping on at least one side, or ports that can be predicted.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace telepane::app {

struct NatReport {
  std::string local;         // "ip:port" of the probing socket
  std::string mapped;        // as the reflector saw it ("" when it never answered: UDP blocked)
  std::string mapped_other;  // as the reflector's second port saw it
  enum class Mapping { Unknown, None, EndpointIndependent, PortDependent } mapping = Mapping::Unknown;
  int port_step = 0;  // PortDependent: the second mapping's port minus the first's
  enum class Filtering { Unknown, Open, PortDependent } filtering = Filtering::Unknown;
};

// Throws std::runtime_error when `server` ("host:port") does not resolve. Bounded by `timeout` per question.
NatReport probe_nat(const std::string& server, std::chrono::milliseconds timeout);

// The report in plain lines, ending with what it means for hole punching.
std::string describe(const NatReport& r);

}  // namespace telepane::app
