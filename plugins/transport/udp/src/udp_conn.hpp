// One UDP link: finds its path (probes toward candidates until one answers), then carries reliable ordered bytes
// on that path (reliable_stream.hpp), pings to hold NAT mappings, follows the peer to a new address, and reports a path
// that went silent. Callbacks as tp_transport.h promises: on the io thread, never after close().
#pragma once

#include "reliable_stream.hpp"
#include "udp_endpoint.hpp"
#include "udp_link.hpp"

#include <atomic>
#include <deque>
#include <mutex>
#include <vector>

namespace telepane::transport::udp {

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  // `own_endpoint`: the socket is this link's alone and closes with it (not a listener's).
  Conn(Runtime& rt, std::shared_ptr<Endpoint> endpoint, uint64_t link_id, bool initiator, bool own_endpoint);
  ~Conn();

  void set_events(const tp_link_events& e);
  tp_status send(tp_bytes data);  // [any thread]
  std::string peer_address();     // [any thread] empty until a path is found
  void close();                   // [any thread] the owner's close: no callback after it returns
  Endpoint& endpoint() { return *endpoint_; }
  Runtime& runtime() { return rt_; }

  // [io thread]
  void probe(std::vector<udp::endpoint> candidates, std::chrono::milliseconds timeout, std::string what);
  void on_datagram(const Header& h, const uint8_t* p, std::size_t n, const udp::endpoint& from);
  void close_by_peer(tp_status why, const std::string& reason);

 private:
  void take_path(const udp::endpoint& from, bool may_migrate);
  void challenge(const udp::endpoint& to);
  void move_path(const udp::endpoint& to);
  void set_peer_text(const udp::endpoint& ep);
  void probe_round();
  void keepalive();
  void pump();
  void arm_clock();
  void deliver(const uint8_t* p, std::size_t n);
  void teardown();
  bool write_datagram(Kind kind, const uint8_t* body, std::size_t n);
  void send_kind(Kind k);
  void finish_close();

  Runtime& rt_;
  std::shared_ptr<Endpoint> endpoint_;
  const uint64_t id_;
  const bool initiator_;
  const bool own_endpoint_;
  std::unique_ptr<ReliableStream> stream_;
  boost::asio::steady_timer clock_timer_, probe_timer_, keepalive_timer_, linger_timer_;
  std::optional<std::chrono::steady_clock::time_point> clock_at_;  // when clock_timer_ fires, if armed

  std::recursive_mutex cb_mu_;  // held while a callback runs
  tp_link_events events_{};

  std::mutex out_mu_;
  std::deque<std::vector<uint8_t>> out_;  // handed to send(), not yet in the stream
  std::size_t queued_ = 0;                // bytes in out_
  std::atomic<std::size_t> unsent_{0};    // bytes in the stream never sent yet
  bool finished_ = false;
  std::string peer_;

  // io thread only
  std::optional<udp::endpoint> path_;
  struct Challenge {  // a new address the peer seems to be at, probed before the path moves there
    udp::endpoint to;
    uint32_t nonce;
    std::chrono::steady_clock::time_point sent;
  };
  std::optional<Challenge> challenge_;
  std::vector<udp::endpoint> candidates_;
  std::string probing_what_;
  std::chrono::steady_clock::time_point probe_deadline_, probe_started_, last_heard_;
  uint32_t nonce_ = 0;
  bool torn_down_ = false;
  bool closing_ = false;  // the owner closed the link; it lingers until its bytes are acknowledged
  std::vector<uint8_t> datagram_;
};

}  // namespace telepane::transport::udp
