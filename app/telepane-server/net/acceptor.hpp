// The listening side both roles share: open a TCP acceptor, and accept connections one after another, each taking
// a slot of the role's caps by its source address (or refused with the reason). [io thread]
#pragma once

#include "net/endpoints.hpp"
#include "net/source_caps.hpp"

#include <boost/asio.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace telepane::server {

// Throws std::runtime_error "<role>: cannot listen on <address>: <why>".
inline void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor, const boost::asio::ip::tcp::endpoint& ep,
                          const std::string& role) {
  boost::system::error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(role + ": cannot listen on " + endpoint_text(ep) + ": " + ec.message());
}

// admitted(socket, slot, "ip:port") or refused(socket, reason, "ip:port") for each connection, until the acceptor
// closes. The acceptor and `caps` outlive the loop.
template <class Admitted, class Refused>
void accept_each(boost::asio::ip::tcp::acceptor& acceptor, std::shared_ptr<SourceCaps> caps, Admitted admitted,
                 Refused refused) {
  acceptor.async_accept(
      [&acceptor, caps, admitted, refused](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) {
          boost::system::error_code ec2;
          const auto remote = socket.remote_endpoint(ec2);
          if (!ec2) {
            std::string why;
            if (auto slot = caps->take(ip_text(remote.address()), why))
              admitted(std::move(socket), std::move(*slot), endpoint_text(remote));
            else
              refused(std::move(socket), why, endpoint_text(remote));
          }
        }
        accept_each(acceptor, caps, admitted, refused);
      });
}

}  // namespace telepane::server
