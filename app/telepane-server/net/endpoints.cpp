#include "net/endpoints.hpp"

#include <stdexcept>

namespace telepane::server {

boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("'" + text + "': expected IP:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) throw std::invalid_argument("'" + text + "': '" + host + "' is not an IP address");
  std::size_t used = 0;
  int port = -1;
  try {
    port = std::stoi(text.substr(colon + 1), &used);
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535 || used != text.size() - colon - 1)
    throw std::invalid_argument("'" + text + "': port out of range");
  return {ip, uint16_t(port)};
}

}  // namespace telepane::server
