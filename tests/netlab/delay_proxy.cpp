// delay_proxy: a TCP relay that holds every byte for a fixed time in each direction: the netlab's stand-in for
// netem's delay, which this kernel lacks. Bounded: a direction holds at most --max-bytes; beyond that it stops
// reading, so the sender's TCP feels the back-pressure it would feel on a real long path.
//   delay_proxy --listen IP:PORT --to IP:PORT --delay-ms 20 [--max-bytes 1048576]
// Serves one connection at a time, as long as the test runs. Prints "ready" once listening.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

sockaddr_in parse(const std::string& s) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || inet_pton(AF_INET, s.substr(0, colon).c_str(), &a.sin_addr) != 1) {
    std::fprintf(stderr, "delay_proxy: '%s' is not IP:PORT\n", s.c_str());
    std::exit(2);
  }
  a.sin_port = htons(uint16_t(std::atoi(s.c_str() + colon + 1)));
  return a;
}

// One direction: a reader thread queues chunks stamped with their due time, a writer thread sends them when due.
class Direction {
 public:
  Direction(int from, int to, std::chrono::milliseconds delay, std::size_t max_bytes)
      : from_(from), to_(to), delay_(delay), max_(max_bytes) {}
  void run() {
    std::thread writer([this] { write_loop(); });
    std::vector<char> buf(16384);
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return held_ < max_ || closed_; });
        if (closed_) break;
      }
      const ssize_t n = ::read(from_, buf.data(), buf.size());
      std::lock_guard lock(mu_);
      if (n <= 0) {
        eof_ = true;
        cv_.notify_all();
        break;
      }
      queue_.push_back({Clock::now() + delay_, std::string(buf.data(), std::size_t(n))});
      held_ += std::size_t(n);
      cv_.notify_all();
    }
    writer.join();
  }

 private:
  void write_loop() {
    while (true) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || eof_ || closed_; });
      if (closed_ || (queue_.empty() && eof_)) break;
      const auto due = queue_.front().first;
      if (Clock::now() < due) {
        cv_.wait_until(lock, due);
        continue;
      }
      std::string chunk = std::move(queue_.front().second);
      queue_.pop_front();
      lock.unlock();
      for (std::size_t off = 0; off < chunk.size();) {
        const ssize_t w = ::write(to_, chunk.data() + off, chunk.size() - off);
        if (w <= 0) {
          std::lock_guard again(mu_);
          closed_ = true;
          cv_.notify_all();
          return;
        }
        off += std::size_t(w);
      }
      lock.lock();
      held_ -= chunk.size();
      cv_.notify_all();
    }
    ::shutdown(to_, SHUT_WR);
  }

  int from_, to_;
  std::chrono::milliseconds delay_;
  std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Clock::time_point, std::string>> queue_;
  std::size_t held_ = 0;
  bool eof_ = false, closed_ = false;
};
}  // namespace

int main(int argc, char** argv) {
  std::string listen_at, to;
  int delay_ms = 20;
  std::size_t max_bytes = 1 << 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--listen") listen_at = argv[i + 1];
    if (a == "--to") to = argv[i + 1];
    if (a == "--delay-ms") delay_ms = std::atoi(argv[i + 1]);
    if (a == "--max-bytes") max_bytes = std::size_t(std::atol(argv[i + 1]));
  }
  if (listen_at.empty() || to.empty()) {
    std::fprintf(stderr, "usage: delay_proxy --listen IP:PORT --to IP:PORT --delay-ms N [--max-bytes B]\n");
    return 2;
  }
  const int l = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in la = parse(listen_at);
  if (bind(l, reinterpret_cast<sockaddr*>(&la), sizeof la) != 0 || listen(l, 8) != 0) {
    std::perror("delay_proxy: listen");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  while (true) {
    const int in = accept(l, nullptr, nullptr);
    if (in < 0) continue;
    const int out = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in ta = parse(to);
    if (connect(out, reinterpret_cast<sockaddr*>(&ta), sizeof ta) != 0) {
      close(in);
      close(out);
      continue;
    }
    setsockopt(in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(out, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([in, out, delay_ms, max_bytes] {
      Direction up(in, out, std::chrono::milliseconds(delay_ms), max_bytes);
      Direction down(out, in, std::chrono::milliseconds(delay_ms), max_bytes);
      std::thread t([&] { up.run(); });
      down.run();
      t.join();
      close(in);
      close(out);
    }).detach();
  }
}
