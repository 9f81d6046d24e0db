// A private X server for tests: Xvfb on a display number derived from the process id (tests running side by side
// do not meet), ready when the constructor returns, stopped by the destructor. Header-only: plugin tests use it too.
#pragma once

#include <catch2/catch.hpp>

#include <X11/Xlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace telepane::test {

// A number already taken (our server exits) moves on to the next.
struct Xvfb {
  pid_t pid = -1;
  std::string display;
  // `screen`: WIDTHxHEIGHTxDEPTH.
  explicit Xvfb(std::string screen = "640x480x24") : screen_(std::move(screen)) {
    const int base = 100 + int(getpid() % 400) * 4;
    // A display with a lock file belongs to another server (maybe this process's own other Xvfb): connecting to it
    // would look like success.
    for (int n = base; n < base + 4 && display.empty(); ++n)
      if (access(("/tmp/.X" + std::to_string(n) + "-lock").c_str(), F_OK) != 0) start(n);
    REQUIRE(!display.empty());
  }
  ~Xvfb() { stop(); }

  void stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
  void start(int number) {
    const std::string name = ":" + std::to_string(number);
    pid = fork();
    if (pid == 0) {
      // -noreset: without it the server resets whenever its last client leaves, refusing connections meanwhile.
      execlp("Xvfb", "Xvfb", name.c_str(), "-noreset", "-screen", "0", screen_.c_str(), "-nolisten", "tcp",
             static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {  // ours gave up: the number is taken
        pid = -1;
        return;
      }
      if (Display* d = XOpenDisplay(name.c_str())) {
        XCloseDisplay(d);
        display = name;
        return;
      }
      usleep(50000);
    }
    stop();
  }

 private:
  std::string screen_;
};

}  // namespace telepane::test
