#include "session/direct_addresses.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace telepane::app {

std::vector<std::string> direct_addresses(const std::string& listen_address) {
  const auto colon = listen_address.rfind(':');
  if (colon == std::string::npos) return {};
  const std::string host = listen_address.substr(0, colon), port = listen_address.substr(colon + 1);
  if (host != "0.0.0.0" && host != "[::]" && !host.empty()) return {listen_address};
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr && out.size() < 8; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
      out.push_back(std::string(text) + ":" + port);
    }
  }
  freeifaddrs(list);
  return out;
}

}  // namespace telepane::app
