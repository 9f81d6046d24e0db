// The relay's admission exchange (docs/protocol.md, "Relay"), before any session byte:
//   client -> relay:  "TPR1" | side (u8: 'v' viewer, 'h' host) | u16 BE token length | token
//   relay -> client:  "TPR1" | status (u8: 0 paired, 1 refused) | u16 BE reason length | reason (UTF-8)
// After a 0 status the connection carries the peers' sealed frames, spliced to the other side.
#pragma once

#include "stream_link.hpp"

#include <optional>
#include <string>
#include <vector>

namespace telepane::transport::relay {

struct RelayAddress {
  std::string relay;  // host:port
  char side = 'v';
  std::vector<uint8_t> token;
};

// Parses "HOST:PORT/viewer|host/TOKEN" (TOKEN in unpadded base64url); nullopt with `why` set when malformed.
std::optional<RelayAddress> parse_relay_address(const std::string& text, std::string& why);
std::vector<uint8_t> relay_hello(const RelayAddress& a);
// Judges the relay's answer as it arrives.
GateVerdict judge_relay_answer(const std::vector<uint8_t>& received);

}  // namespace telepane::transport::relay
