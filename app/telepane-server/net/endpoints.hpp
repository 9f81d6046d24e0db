// Address text for logs, limits and the protocol: "1.2.3.4:5" and "[::1]:5".
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <string>

namespace telepane::server {

inline std::string ip_text(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_string();
  return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
}

template <class Endpoint>
std::string endpoint_text(const Endpoint& ep) {
  return ip_text(ep.address()) + ":" + std::to_string(ep.port());
}

// Parses "ip:port" (or "[v6]:port"); throws std::invalid_argument naming the text.
boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& text);

}  // namespace telepane::server
