// A man in the middle for tests: a TCP proxy on loopback that understands Telepane's stream framing
// ([u16 BE length][message]) and, once armed, tampers with the next frame from the client.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace telepane::test {

class FrameProxy {
 public:
  enum class Tamper { None, FlipBit, Drop, Duplicate, Reorder, Truncate };

  // Listens on 127.0.0.1 (any port) and forwards one client to `target` ("127.0.0.1:port"); with `serve_again`,
  // the next client after that one, and so on (a network that drops connections but comes back).
  explicit FrameProxy(const std::string& target, bool serve_again = false);
  ~FrameProxy();
  FrameProxy(const FrameProxy&) = delete;
  FrameProxy& operator=(const FrameProxy&) = delete;

  std::string address() const { return address_; }
  // The next client frame (and for Reorder, the one after) is tampered with.
  void arm(Tamper t) { armed_ = t; }
  int clients() const { return clients_; }

 private:
  void run();
  void serve(int client);
  std::string target_, address_;
  int listen_fd_ = -1;
  std::atomic<Tamper> armed_{Tamper::None};
  std::atomic<bool> stop_{false};
  bool serve_again_ = false;
  std::atomic<int> clients_{0};
  std::thread thread_;
};

}  // namespace telepane::test
