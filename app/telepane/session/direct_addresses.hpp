// Where viewers can reach this host directly, announced at registration: the listen address itself when it names
// one, else every up, non-loopback IPv4 interface address with the listen port.
#pragma once

#include <string>
#include <vector>

namespace telepane::app {

std::vector<std::string> direct_addresses(const std::string& listen_address);

}  // namespace telepane::app
