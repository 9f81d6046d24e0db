// telepane-server against hostile and broken clients, on raw sockets: each gets a clear refusal or silence, and
// the server keeps serving everyone else.
#include "server_fixture.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/protocol.hpp>
#include <telepane/sdk/stun.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace telepane::test;
namespace rv = telepane::core::rendezvous;

namespace {
// A blocking loopback socket with bounded reads.
class Socket {
 public:
  Socket(int type, uint16_t port) : fd_(socket(AF_INET, type, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Socket() { close(fd_); }
  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()));
  }
  void send(const telepane::core::session::Bytes& bytes) { send(std::string(bytes.begin(), bytes.end())); }
  // Whatever arrives within `timeout` until the peer closes; `closed` tells whether it did.
  std::string read_all(std::chrono::milliseconds timeout, bool* closed = nullptr) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, int(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (closed) *closed = true;
        return out;
      }
      out.append(buf, std::size_t(n));
    }
    if (closed) *closed = false;
    return out;
  }
  // Reads framed ServerMessages until `count` arrived or the peer closed.
  std::vector<rv::ServerMessage> messages(std::size_t count, std::chrono::milliseconds timeout = 10s) {
    rv::MessageReader<rv::ServerMessage> reader;
    std::vector<rv::ServerMessage> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      uint8_t buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      reader.feed({buf, std::size_t(n)});
      while (auto m = reader.next()) out.push_back(std::move(*m));
    }
    return out;
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

rv::ClientMessage lookup(const std::string& id) {
  rv::ClientMessage m;
  m.mutable_lookup()->set_id(id);
  m.mutable_lookup()->set_nonce(std::string(16, 'n'));
  return m;
}

// The reason of the Error that ends a connection after `request`.
std::string refusal(const Server& s, const std::string& request) {
  Socket c(SOCK_STREAM, s.rendezvous_port());
  REQUIRE(c.messages(1).at(0).has_challenge());
  c.send(request);
  auto replies = c.messages(1);
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].has_error());
  bool closed = false;
  c.read_all(5s, &closed);
  CHECK(closed);
  return replies[0].error().reason();
}

// A well-behaved client still gets its answer.
void still_serving(const Server& s) {
  Socket c(SOCK_STREAM, s.rendezvous_port());
  REQUIRE(c.messages(1).at(0).has_challenge());
  c.send(rv::encode(lookup("123456789")));
  auto replies = c.messages(1);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].error().reason() == "peer 123456789 is not registered here");
}

std::string relay_hello(char side, const std::string& token) {
  std::string h = "TPR1";
  h += side;
  h += char(token.size() >> 8);
  h += char(token.size() & 0xff);
  return h + token;
}

std::string relay_verdict(Socket& c) {
  bool closed = false;
  auto v = c.read_all(5s, &closed);
  return v.size() >= 7 ? v.substr(7) : "<" + v + ">";
}

// A viewer and a host paired by the relay with a token of its own server's key, both told so.
struct RelayPair {
  explicit RelayPair(Server& s) : viewer(SOCK_STREAM, s.relay_port()), host(SOCK_STREAM, s.relay_port()) {
    const auto key = rv::ServerKey::load_or_create(s.dir / "data/server.key");
    const std::string token = rv::issue_relay_token(key, s.relay, "123456789", 30s);
    viewer.send(relay_hello('v', token));
    host.send(relay_hello('h', token));
    REQUIRE(viewer.read_all(1s).size() == 7);
    REQUIRE(host.read_all(1s).size() == 7);
  }
  Socket viewer, host;
};
}  // namespace

TEST_CASE("rendezvous: garbage, oversized frames and malformed requests get a reason and a hang-up") {
  Server s;
  CHECK(refusal(s, std::string("\x00\x05hello", 7)) == "bad request: malformed message");
  CHECK(refusal(s, std::string("\xff\xff") + std::string(5000, 'x')).rfind("bad request: message larger than", 0) == 0);
  CHECK(refusal(s, std::string("\x00\x02\x78\x01", 4)) == "bad request: unknown message");  // field 15: not ours
  CHECK(refusal(s, std::string("\x00\x00", 2)) == "bad request: frame of 0 bytes: shorter than 1 bytes");
  auto bad_id = rv::encode(lookup("12345"));
  CHECK(refusal(s, std::string(bad_id.begin(), bad_id.end())) == "bad request: '12345' is not a 9-digit ID");
  still_serving(s);
}

TEST_CASE("rendezvous: a registration must prove the key and carry the ID derived from it") {
  Server s;
  auto id = telepane::core::identity::Identity::generate();
  const auto key = *rv::parse_public_key(s.key);
  auto attempt = [&](auto edit) {
    Socket c(SOCK_STREAM, s.rendezvous_port());
    auto first = c.messages(1);
    REQUIRE(first.at(0).has_challenge());
    rv::ClientMessage m;
    auto* reg = m.mutable_register_();
    reg->set_id(id.numeric_id());
    reg->set_key(std::string(id.public_key().begin(), id.public_key().end()));
    reg->set_proof(rv::prove_registration(id.private_key(), key, first[0].challenge().nonce(), reg->id(), reg->key()));
    edit(*reg);
    c.send(rv::encode(m));
    auto replies = c.messages(1);
    REQUIRE(replies.size() == 1);
    return replies[0].has_error() ? replies[0].error().reason() : std::string("registered");
  };
  CHECK(attempt([](rv::Register&) {}) == "registered");
  CHECK(attempt([](rv::Register& r) { r.set_proof(std::string(32, '\0')); }) ==
        "registration refused: the proof does not match the key (or the server key is not the one pinned)");
  CHECK(attempt([](rv::Register& r) { r.set_id(r.id() == "123456789" ? "987654321" : "123456789"); }) ==
        "bad request: the ID is not derived from the key");
  // Someone else's key with a proof made by another private key: the proof fails.
  auto other = telepane::core::identity::Identity::generate();
  CHECK(attempt([&](rv::Register& r) {
          r.set_key(std::string(other.public_key().begin(), other.public_key().end()));
          r.set_id(other.numeric_id());
        }).rfind("registration refused", 0) == 0);
  still_serving(s);
}

TEST_CASE("rendezvous: a client that asks too fast is told to slow down") {
  Server s({"-s", "rendezvous.lookups_per_second=2"});
  Socket c(SOCK_STREAM, s.rendezvous_port());
  REQUIRE(c.messages(1).at(0).has_challenge());
  for (int i = 0; i < 40; ++i) c.send(rv::encode(lookup("123456789")));
  auto replies = c.messages(40, 5s);
  REQUIRE(!replies.empty());
  CHECK(replies.back().error().reason() == "too many requests");
  CHECK(replies.size() < 40);
  still_serving(s);
}

TEST_CASE("rendezvous UDP is a STUN reflector that never answers with more bytes than it was sent") {
  namespace stun = telepane::sdk::stun;
  Server s;
  const stun::TransactionId t{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto text = [](const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); };
  Socket u(SOCK_DGRAM, s.rendezvous_port());
  u.send(text(stun::binding_request(t, false, 0)));  // 28 bytes: the answer would be longer, so none comes
  CHECK(u.read_all(500ms).empty());
  const auto request = stun::binding_request(t);
  u.send(text(request));
  const auto reply = u.read_all(2s);
  REQUIRE(!reply.empty());
  CHECK(reply.size() <= request.size());
  const auto m = stun::parse(reinterpret_cast<const uint8_t*>(reply.data()), reply.size());
  REQUIRE(m);
  CHECK(m->type == stun::kBindingSuccess);
  CHECK(m->transaction == t);
  CHECK(m->has_fingerprint);
  REQUIRE(m->mapped);
  CHECK(m->mapped->text().rfind("127.0.0.1:", 0) == 0);
  REQUIRE(m->other);
  CHECK(m->other->port != s.rendezvous_port());
  u.send(std::string("NOPE") + std::string(120, '\0'));  // not STUN: silence
  CHECK(u.read_all(500ms).empty());
  auto wrong = request;
  wrong.back() ^= 1;  // a FINGERPRINT that does not match: silence
  u.send(text(wrong));
  CHECK(u.read_all(500ms).empty());

  // "Answer from your other port" (RFC 5780): the answer comes from the NAT test port. An unconnected socket
  // sees it; a connected one (like a NAT that filters by port) would not.
  const int raw = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(s.rendezvous_port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto change = stun::binding_request(t, /*change_port=*/true);
  REQUIRE(sendto(raw, change.data(), change.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) > 0);
  pollfd p{raw, POLLIN, 0};
  REQUIRE(poll(&p, 1, 2000) == 1);
  uint8_t buf[512];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  const auto n = recvfrom(raw, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
  REQUIRE(n > 0);
  CHECK(std::size_t(n) <= change.size());
  CHECK(ntohs(from.sin_port) == m->other->port);
  close(raw);
  still_serving(s);
}

TEST_CASE("relay: forged, expired and reused tokens are refused with the reason, and pairing is single-use") {
  Server s;
  // A token from another rendezvous key is forged as far as this relay is concerned.
  auto stranger = rv::ServerKey::generate();
  {
    Socket c(SOCK_STREAM, s.relay_port());
    c.send(relay_hello('v', rv::issue_relay_token(stranger, s.relay, "123456789", 30s)));
    CHECK(relay_verdict(c) == "token not signed by the rendezvous server");
  }
  {
    Socket c(SOCK_STREAM, s.relay_port());
    c.send(std::string("GET / HTTP/1.1\r\n\r\n"));
    CHECK(relay_verdict(c) == "not a relay hello");
  }
  {
    Socket c(SOCK_STREAM, s.relay_port());
    c.send(std::string("TPR1v\xff\xff", 7));
    CHECK(relay_verdict(c) == "bad token length");
  }
  // The server's own key signs real tokens; use the data dir's key file as the rendezvous role does.
  auto key = rv::ServerKey::load_or_create(s.dir / "data/server.key");
  {
    Socket c(SOCK_STREAM, s.relay_port());
    c.send(relay_hello('v', rv::issue_relay_token(key, s.relay, "123456789", -1s)));
    CHECK(relay_verdict(c) == "token expired");
  }
  const std::string token = rv::issue_relay_token(key, s.relay, "123456789", 30s);
  Socket viewer(SOCK_STREAM, s.relay_port());
  viewer.send(relay_hello('v', token));
  {
    Socket twin(SOCK_STREAM, s.relay_port());
    twin.send(relay_hello('v', token));
    CHECK(relay_verdict(twin) == "this side of the session is already here");
  }
  Socket host(SOCK_STREAM, s.relay_port());
  host.send(relay_hello('h', token));
  CHECK(viewer.read_all(2s) == std::string("TPR1\0\0\0", 7));
  CHECK(host.read_all(2s) == std::string("TPR1\0\0\0", 7));
  viewer.send(std::string("opaque bytes"));
  CHECK(host.read_all(2s) == "opaque bytes");
  {
    Socket late(SOCK_STREAM, s.relay_port());
    late.send(relay_hello('h', token));
    CHECK(relay_verdict(late) == "token already used");
  }
  still_serving(s);
}

TEST_CASE("relay: a lone side waits only so long, and a connection that says nothing is dropped") {
  Server s({"-s", "relay.pair_timeout_ms=300"});
  auto key = rv::ServerKey::load_or_create(s.dir / "data/server.key");
  Socket lone(SOCK_STREAM, s.relay_port());
  lone.send(relay_hello('v', rv::issue_relay_token(key, s.relay, "123456789", 30s)));
  CHECK(relay_verdict(lone) == "the other side did not come");
}

TEST_CASE("relay: -b limits the forwarding rate") {
  Server s({"-b", "8"});  // 8 Mbit/s = 1 MB/s, burst 256 KiB
  RelayPair pair(s);
  Socket &a = pair.viewer, &b = pair.host;
  const std::string chunk(256 * 1024, 'x');
  std::thread writer([&] {
    for (int i = 0; i < 8; ++i) ::send(a.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL);  // 2 MiB
  });
  // Within one second at most about the burst plus one second's rate may arrive: well under 2 MiB.
  const auto got = b.read_all(1000ms).size();
  CHECK(got > 0);
  CHECK(got < 1600 * 1024);
  shutdown(a.fd(), SHUT_RDWR);
  shutdown(b.fd(), SHUT_RDWR);
  writer.join();
}

TEST_CASE("relay: a side that hangs up mid-stream: its last bytes reach the other side, then the end") {
  Server s;
  RelayPair pair(s);
  Socket &viewer = pair.viewer, &host = pair.host;
  // The viewer keeps talking while the host says its last words and hangs up: the relay still holds viewer bytes
  // the host will never read when the host's end arrives.
  std::thread talker([&] {
    const std::string chunk(64 * 1024, 'v');
    for (int i = 0; i < 16; ++i)
      if (::send(viewer.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
  });
  std::string last_words(200 * 1024, '\0');
  for (std::size_t i = 0; i < last_words.size(); ++i) last_words[i] = char('a' + i % 26);
  host.send(last_words);
  shutdown(host.fd(), SHUT_WR);
  bool closed = false;
  const std::string heard = viewer.read_all(10s, &closed);
  CHECK(closed);
  CHECK(heard.size() == last_words.size());
  CHECK((heard == last_words));
  shutdown(viewer.fd(), SHUT_RDWR);
  talker.join();
  still_serving(s);
}

TEST_CASE("a flood of half-open, truncated and garbage connections: one log line per cause, service goes on") {
  Server s({"-s", "server.max_connections_per_source=16", "-s", "rendezvous.hello_timeout_ms=1000"});
  {
    std::vector<std::unique_ptr<Socket>> half_open;
    for (int i = 0; i < 40; ++i) half_open.push_back(std::make_unique<Socket>(SOCK_STREAM, s.rendezvous_port()));
    half_open[0]->send(std::string("\x00\x50truncated", 11));  // a frame that never completes
    // The first 16 got a challenge; the rest were refused, each with the reason.
    auto refused = half_open.back()->messages(1, 5s);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].error().reason() == "too many connections from 127.0.0.1");
    // Half-open ones are dropped at the hello deadline, the truncated frame with them.
    bool closed = false;
    half_open[0]->read_all(5s, &closed);
    CHECK(closed);
  }
  for (int i = 0; i < 20; ++i) CHECK(refusal(s, std::string("\x00\x05hello", 7)) == "bad request: malformed message");
  still_serving(s);
  auto occurrences = [&](const std::string& what) {
    const std::string log = s.proc->err();
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(occurrences("bad request: malformed message") == 1);
  CHECK(occurrences("too many connections from one address") == 1);
  CHECK(occurrences("no request in time") == 1);
}
