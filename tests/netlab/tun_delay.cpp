// tun_delay: holds every IP packet routed through a TUN device for a fixed time, then hands it back to the kernel:
// the netlab's stand-in for netem's delay (this kernel has none), for TCP and UDP alike. The test routes what
// arrives on the path's interfaces into the TUN (policy routing by input interface); what this writes back comes
// in on the TUN and is routed on to its destination. Bounded: at most --max-bytes held, beyond that packets are
// dropped, as a router's full queue would.
//   tun_delay --dev NAME --delay-ms 50 [--max-bytes 4194304]
// Creates the device (root), prints "ready" once it exists, runs until killed.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;
struct Held {
  Clock::time_point due;
  std::vector<char> packet;
};
}  // namespace

int main(int argc, char** argv) {
  std::string dev;
  int delay_ms = 50;
  std::size_t max_bytes = 4u << 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--dev") dev = argv[i + 1];
    if (a == "--delay-ms") delay_ms = std::atoi(argv[i + 1]);
    if (a == "--max-bytes") max_bytes = std::size_t(std::atol(argv[i + 1]));
  }
  if (dev.empty() || dev.size() >= IFNAMSIZ || delay_ms < 0) {
    std::fprintf(stderr, "usage: tun_delay --dev NAME --delay-ms N [--max-bytes B]\n");
    return 2;
  }
  const int fd = open("/dev/net/tun", O_RDWR);
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
  if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) != 0) {
    std::perror("tun_delay: cannot create the TUN device");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  const auto delay = std::chrono::milliseconds(delay_ms);
  std::deque<Held> held;
  std::size_t held_bytes = 0;
  std::vector<char> buf(65536);
  for (;;) {
    int wait_ms = -1;
    if (!held.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(held.front().due - Clock::now());
      wait_ms = int(std::max<int64_t>(left.count(), 0));
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) > 0) {
      const ssize_t n = read(fd, buf.data(), buf.size());
      if (n > 0 && held_bytes + std::size_t(n) <= max_bytes) {
        held.push_back({Clock::now() + delay, std::vector<char>(buf.begin(), buf.begin() + n)});
        held_bytes += std::size_t(n);
      }
    }
    const auto now = Clock::now();
    while (!held.empty() && held.front().due <= now) {
      (void)!write(fd, held.front().packet.data(), held.front().packet.size());
      held_bytes -= held.front().packet.size();
      held.pop_front();
    }
  }
}
