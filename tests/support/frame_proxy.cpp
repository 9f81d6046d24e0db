#include "frame_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace telepane::test {
namespace {
sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}
bool send_all(int fd, const uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    p += k;
    n -= std::size_t(k);
  }
  return true;
}
}  // namespace

FrameProxy::FrameProxy(const std::string& target, bool serve_again) : target_(target), serve_again_(serve_again) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = loopback(0);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 4) != 0)
    throw std::runtime_error("proxy cannot listen");
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  address_ = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  thread_ = std::thread([this] { run(); });
}

FrameProxy::~FrameProxy() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void FrameProxy::run() {
  do {
    pollfd lp{listen_fd_, POLLIN, 0};
    while (!stop_ && ::poll(&lp, 1, 100) == 0) {
    }
    if (stop_) return;
    ++clients_;
    serve(::accept(listen_fd_, nullptr, nullptr));
  } while (serve_again_ && !stop_);
}

// One client, both directions in one poll loop; frames from the client are parsed so one can be tampered with.
void FrameProxy::serve(int client) {
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to = loopback(uint16_t(std::stoi(target_.substr(target_.rfind(':') + 1))));
  if (::connect(server, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(client);
    ::close(server);
    return;
  }
  std::vector<uint8_t> pending, held;  // client bytes not yet a whole frame; a frame held back to reorder
  uint8_t buf[65536];
  bool open = true;
  while (!stop_ && open) {
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(fds, 2, 100) <= 0) continue;
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      const ssize_t n = ::recv(server, buf, sizeof buf, 0);
      if (n <= 0 || !send_all(client, buf, std::size_t(n))) open = false;
    }
    if (!open || !(fds[0].revents & (POLLIN | POLLHUP))) continue;
    const ssize_t n = ::recv(client, buf, sizeof buf, 0);
    if (n <= 0) break;
    pending.insert(pending.end(), buf, buf + n);
    while (open && pending.size() >= 2) {
      const std::size_t len = std::size_t(pending[0]) << 8 | pending[1];
      if (pending.size() < 2 + len) break;
      std::vector<uint8_t> frame(pending.begin(), pending.begin() + long(2 + len));
      pending.erase(pending.begin(), pending.begin() + long(2 + len));
      const Tamper t = armed_.exchange(Tamper::None);
      switch (t) {
        case Tamper::None:
          if (!held.empty()) {  // reorder: the later frame first, then the held one
            open = send_all(server, frame.data(), frame.size()) && send_all(server, held.data(), held.size());
            held.clear();
          } else {
            open = send_all(server, frame.data(), frame.size());
          }
          break;
        case Tamper::FlipBit:
          frame[frame.size() / 2] ^= 0x10;
          open = send_all(server, frame.data(), frame.size());
          break;
        case Tamper::Drop: break;
        case Tamper::Duplicate:
          open = send_all(server, frame.data(), frame.size()) && send_all(server, frame.data(), frame.size());
          break;
        case Tamper::Reorder: held = frame; break;
        case Tamper::Truncate:
          send_all(server, frame.data(), frame.size() / 2);
          open = false;  // and hang up mid-frame
          break;
      }
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace telepane::test
