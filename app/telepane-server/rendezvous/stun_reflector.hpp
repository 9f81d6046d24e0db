// The rendezvous role's UDP side: STUN Binding (RFC 8489) on the rendezvous port and on a second port, so a peer
// can learn the address its NAT maps it to, whether that mapping depends on the destination port (symmetric) and
// whether its NAT lets in what it did not ask for (RFC 5780's CHANGE-REQUEST: "answer from your other port").
// Punching itself is coordinated over TCP; UDP here only reflects.
//
// Never amplifies: an answer is sent only when it is no larger than the request it answers (a spoofed source gets
// at most the bytes it was sent, once), and answers in all are capped per second. [io thread]
#pragma once

#include "net/cause_log.hpp"
#include "relay/token_bucket.hpp"

#include <boost/asio/ip/udp.hpp>

#include <array>
#include <cstdint>

namespace telepane::server {

class StunReflector {
 public:
  // Binds `primary` and, on the same address, `other_port` (0: any free port). Throws std::runtime_error naming
  // the address that could not be bound.
  StunReflector(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& primary, uint16_t other_port,
                CauseLog& refusals, double answers_per_second);
  uint16_t other_port() const;
  void stop();

 private:
  struct Port {
    explicit Port(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::udp::socket socket;
    boost::asio::ip::udp::endpoint from;
    std::array<uint8_t, 1500> in{};
  };
  void receive(int which);
  void answer(int which, std::size_t n);

  std::array<Port, 2> ports_;
  CauseLog& refusals_;
  TokenBucket answers_;
};

}  // namespace telepane::server
