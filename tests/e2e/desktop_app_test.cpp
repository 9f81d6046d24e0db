// The desktop app as people use it: telepane-server, a host sharing display A (a real X application on it), and the
// app's window on display B, driven by xdotool like a person with a mouse and keyboard. What the window shows is
// judged by pixel probes on xwd screenshots; what reaches the host by the X application itself.
#include "child_process.hpp"
#include "shell.hpp"
#include "x_app_window.hpp"
#include "xvfb.hpp"

#include "../integration/server/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

using namespace telepane::test;
using namespace std::chrono_literals;

namespace {
constexpr uint32_t kProbeColour = 0xc02080;  // the host's application window: a colour nothing else on screen has

struct Shot {
  int w = 0, h = 0;
  std::vector<uint8_t> rgb;
};

Shot screenshot(const Xvfb& x, const TempDir& dir, int w, int h) {
  const std::string file = (dir / "shot.xwd").string();
  REQUIRE(std::system(("xwd -root -silent -display " + x.display + " -out " + file).c_str()) == 0);
  std::unique_ptr<FILE, int (*)(FILE*)> p(
      popen(("ffmpeg -v error -i " + file + " -f rawvideo -pix_fmt rgb24 -").c_str(), "r"), pclose);
  Shot s{w, h, {}};
  std::array<uint8_t, 65536> buf{};
  for (std::size_t n; p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0;)
    s.rgb.insert(s.rgb.end(), buf.data(), buf.data() + n);
  REQUIRE(s.rgb.size() == std::size_t(w) * h * 3);
  return s;
}

// With TELEPANE_SCREENSHOT_DIR set, the screen as it is now is kept there as NAME.png: the pictures in docs/ are
// made by this test, so they show what the tested build shows.
void keep_screenshot(const Xvfb& x, const std::string& name) {
  const char* dir = std::getenv("TELEPANE_SCREENSHOT_DIR");
  if (dir == nullptr) return;
  const std::string xwd = std::string(dir) + "/" + name + ".xwd";
  CHECK(std::system(("xwd -root -silent -display " + x.display + " -out " + xwd + " && ffmpeg -v error -y -i " + xwd +
                     " -vf crop=1280:800:0:0 -pix_fmt rgb24 " + dir + "/" + name + ".png && rm " + xwd)
                        .c_str()) == 0);
}

// Where pixels near `colour` (each channel within `tolerance`) are, and how many.
struct ColourArea {
  int count = 0, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  int cx() const { return (x0 + x1) / 2; }
  int cy() const { return (y0 + y1) / 2; }
};
ColourArea find_colour(const Shot& s, uint32_t colour, int tolerance) {
  ColourArea r;
  const int cr = int(colour >> 16 & 255), cg = int(colour >> 8 & 255), cb = int(colour & 255);
  for (int y = 0; y < s.h; ++y)
    for (int x = 0; x < s.w; ++x) {
      const uint8_t* px = &s.rgb[(std::size_t(y) * s.w + x) * 3];
      if (std::abs(px[0] - cr) > tolerance || std::abs(px[1] - cg) > tolerance || std::abs(px[2] - cb) > tolerance)
        continue;
      ++r.count;
      r.x0 = std::min(r.x0, x);
      r.y0 = std::min(r.y0, y);
      r.x1 = std::max(r.x1, x);
      r.y1 = std::max(r.y1, y);
    }
  return r;
}

// Polls screenshots until `colour` covers at least `min_pixels`, for up to `timeout`.
ColourArea wait_for_colour(const Xvfb& x, const TempDir& dir, int w, int h, uint32_t colour, int min_pixels,
                           std::chrono::seconds timeout, int tolerance = 24) {
  ColourArea r;
  const auto end = std::chrono::steady_clock::now() + timeout;
  do {
    r = find_colour(screenshot(x, dir, w, h), colour, tolerance);
    if (r.count >= min_pixels) return r;
    std::this_thread::sleep_for(300ms);
  } while (std::chrono::steady_clock::now() < end);
  return r;
}

void xdotool(const Xvfb& x, const std::string& args) {
  REQUIRE(std::system(("DISPLAY=" + x.display + " xdotool " + args).c_str()) == 0);
}

// A person's click: the pointer arrives, the window sees it there, then the button goes down and up.
void click(const Xvfb& x, int px, int py) {
  xdotool(x, "mousemove " + std::to_string(px) + " " + std::to_string(py));
  std::this_thread::sleep_for(300ms);
  xdotool(x, "click 1");
}

// Waits until `text` appears `n` times in what `p` printed.
bool wait_for_count(ChildProcess& p, const std::string& text, std::size_t n, std::chrono::seconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  do {
    const std::string out = p.out();
    std::size_t count = 0;
    for (auto at = out.find(text); at != std::string::npos; at = out.find(text, at + 1)) ++count;
    if (count >= n) return true;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

// The app's environment on display `x`. Under ASan its exit is not checked for leaks: when the window closes,
// libglvnd unloads Mesa's driver (swrast_dri.so), and the few bytes the driver never frees (112, in two blocks) are
// then reported from an unknown module, which scripts/lsan-suppressions.txt cannot name (it suppresses them by name
// while the driver is mapped). Every other process of the tests is leak-checked, `telepane host` and `connect`
// (the same sessions without a window) included.
std::map<std::string, std::string> with_display(std::map<std::string, std::string> env, const Xvfb& x) {
  env["DISPLAY"] = x.display;
  const char* asan = std::getenv("ASAN_OPTIONS");
  env["ASAN_OPTIONS"] =
      std::string(asan != nullptr ? asan : "") + (asan != nullptr && *asan ? ":" : "") + "detect_leaks=0";
  return env;
}

// The desktop app on `x`, its window up and its hosting registered.
std::unique_ptr<ChildProcess> open_app(const Machine& m, const Xvfb& x) {
  auto app = std::make_unique<ChildProcess>(std::vector<std::string>{TELEPANE_BIN, "--listen", "127.0.0.1:0"},
                                            with_display(m.env(), x));
  REQUIRE(app->wait_for("registered as ", 30s));
  REQUIRE(app->wait_for("window: open", 30s));
  return app;
}

bool eventually_contains(const std::filesystem::path& file, const std::string& text) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream in(file);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// Whether `command`, run on display `x`, comes to print `text` within 10 s.
bool eventually_output(const Xvfb& x, const std::string& command, const std::string& text) {
  std::string last;
  for (int i = 0; i < 50; ++i) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(
        popen(("DISPLAY=" + x.display + " timeout 5 " + command + " 2>/dev/null").c_str(), "r"), pclose);
    std::string out;
    std::array<char, 256> buf{};
    for (std::size_t n; p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0;) out.append(buf.data(), n);
    if (out == text) return true;
    last = out;
    std::this_thread::sleep_for(200ms);
  }
  UNSCOPED_INFO(command << " gave '" << last << "'");
  return false;
}

// Types `id` into the home screen's Remote ID box (clicked first, so the keyboard is there whatever had it before),
// Enter, then `password` into the prompt that opens, Enter.
void type_connect(const Xvfb& x, const std::string& id, const std::string& password) {
  click(x, 463, 73);
  std::this_thread::sleep_for(300ms);
  xdotool(x, "key ctrl+a");  // replaces what an earlier attempt left there
  xdotool(x, "type --delay 40 " + id);
  xdotool(x, "key Return");
  std::this_thread::sleep_for(1s);  // the prompt opens, and its field takes the keyboard a frame later
  xdotool(x, "type --delay 40 '" + password + "'");
  xdotool(x, "key Return");
}
}  // namespace

TEST_CASE("typing the host's ID and password shows its desktop in the window, and clicks and typing reach its app") {
  Server server;
  Xvfb a("1280x720x24"), b("1400x900x24");
  AppWindow target(a.display);  // 200x200 at 50,50 on the host's display
  XSetWindowBackground(target.d, target.w, kProbeColour);
  XClearWindow(target.d, target.w);
  XFlush(target.d);
  // Real applications around it, as on anyone's desktop.
  ChildProcess clock({"xclock", "-geometry", "200x200+1000+40", "-update", "1"}, {{"DISPLAY", a.display}});
  ChildProcess terminal({"xterm", "-geometry", "80x20+380+260", "-e", "top", "-d", "1"}, {{"DISPLAY", a.display}});

  Machine host_machine(server);
  ChildProcess host({TELEPANE_BIN, "host", "--listen", "127.0.0.1:0"}, with_display(host_machine.env(), a));
  REQUIRE(host.wait_for("registered as ", 30s));
  REQUIRE(host.wait_for("one-time password: ", 10s));
  const std::string id = field(host.out(), "\nid: ");
  const std::string otp = field(host.out(), "one-time password: ");

  TempDir shots;
  Machine app_machine(server);
  auto app = open_app(app_machine, b);
  // The probe can fail: before connecting, the colour is nowhere in the window.
  CHECK(find_colour(screenshot(b, shots, 1400, 900), kProbeColour, 24).count == 0);
  keep_screenshot(b, "desktop-home");

  type_connect(b, id, otp);
  REQUIRE(app->wait_for("viewer: connected " + id, 30s));
  // A recent session in the address book, kept in the user's config dir.
  CHECK(eventually_contains(app_machine.home / "config/telepane/address-book.yaml", "id: \"" + id + "\""));
  // The remote desktop (1280x720) fits the window's view, a little smaller: the 200x200 window shows as ~190x190.
  const ColourArea seen = wait_for_colour(b, shots, 1400, 900, kProbeColour, 150 * 150, 20s);
  INFO("the host's window seen in the app: " << seen.count << " pixels at " << seen.x0 << "," << seen.y0 << " - "
                                             << seen.x1 << "," << seen.y1);
  REQUIRE(seen.count >= 150 * 150);
  keep_screenshot(b, "desktop-remote-view");
  CHECK(seen.x1 - seen.x0 > 150);
  CHECK(seen.x1 - seen.x0 < 210);

  // A click in the middle of the window as the app shows it, then typing: both reach the host's application.
  target.events(200ms);  // whatever came before
  // The middle, measured from the bottom edge: the stats overlay may cover part of the top.
  const int middle_y = seen.y1 - (seen.x1 - seen.x0) / 2;
  click(b, seen.cx(), middle_y);
  xdotool(b, "type --delay 40 'hi There'");
  const auto input = input_seen(target.events(3s));
  REQUIRE(input.presses.size() == 1);
  CHECK(std::abs(input.presses[0].first - 100) <= 8);
  CHECK(std::abs(input.presses[0].second - 100) <= 8);
  CHECK(input.releases == 1);
  CHECK(input.typed == "hi There");

  // The clipboard both ways: a copy on the host is pasteable on the app's display, and a copy on the app's display
  // (with the pointer over the window) reaches the host's clipboard.
  REQUIRE(std::system(
              ("printf 'copied on the host' | DISPLAY=" + a.display + " xclip -selection clipboard -i").c_str()) == 0);
  CHECK(eventually_output(b, "xclip -selection clipboard -o", "copied on the host"));
  REQUIRE(std::system(
              ("printf 'copied in the app' | DISPLAY=" + b.display + " xclip -selection clipboard -i").c_str()) == 0);
  CHECK(eventually_output(a, "xclip -selection clipboard -o", "copied in the app"));

  // Chat: the toolbar's Chat switch opens the chat box with the keyboard in it; Enter sends.
  click(b, 676, 18);
  std::this_thread::sleep_for(500ms);
  xdotool(b, "type --delay 30 'hello from the window'");
  xdotool(b, "key Return");
  CHECK(host.wait_for("viewer: hello from the window", 10s));
  CHECK(input_seen(target.events(500ms)).typed.empty());  // typed into the chat box, not into the host's app

  app->signal(SIGTERM);
  const auto code = app->wait_exit(30s);
  INFO("the app's stderr:\n" << app->err());
  CHECK(code == 0);
  CHECK_THAT(app->err(), Catch::Contains("window: ") && Catch::Contains("pictures drawn"));
}

TEST_CASE("with confirm-on-host the host's window asks: accept starts the session, deny shows denied on the viewer") {
  Server server;
  Xvfb a("1400x900x24"), b("1400x900x24");
  TempDir shots;
  // A permanent password, set the way a person does (telepane password hash), so both attempts use the same one.
  Machine host_machine(server);
  const auto hashed =
      run_process({"/bin/sh", "-c", std::string("echo 'correct horse' | ") + TELEPANE_BIN + " password hash"},
                  {host_machine.env(), {}, 60s});
  REQUIRE(hashed.exit_code == 0);
  host_machine.home.write("config/telepane/peer.yaml", "org.telepane.auth.password: {memory_mib: 8, verifier: " +
                                                           hashed.out.substr(hashed.out.find("verifier: ") + 10) +
                                                           "}\nrendezvous: {server: \"" + server.rendezvous +
                                                           "\", key: \"" + server.key + "\"}\nhost: {confirm: ask}\n");
  auto host = open_app(host_machine, a);
  const std::string full_id = field(host->out(), "full id: ");
  const std::string id = full_id.substr(0, full_id.find('@'));
  Machine viewer_machine(server);
  auto viewer = open_app(viewer_machine, b);

  // The prompt: its own background colour, its Accept and Deny buttons along its bottom edge.
  constexpr uint32_t kPromptColour = 0x29334d;
  std::size_t asked = 0;
  auto ask = [&] {
    type_connect(b, id, "correct horse");
    INFO("the viewer said: " << viewer->out());
    REQUIRE(wait_for_count(*host, "asks to connect", ++asked, 30s));
    const ColourArea prompt = wait_for_colour(a, shots, 1400, 900, kPromptColour, 200 * 60, 10s, 3);
    REQUIRE(prompt.count >= 200 * 60);
    return prompt;
  };
  ColourArea prompt = ask();
  CHECK(viewer->wait_for("viewer: waiting " + id, 10s));
  keep_screenshot(a, "desktop-host-prompt");
  click(a, prompt.x0 + 8 + 128 + 60, prompt.y1 - 18);  // Deny
  REQUIRE(host->wait_for("host: declined", 10s));
  const bool told = viewer->wait_for("viewer: failed " + id + ": the person at the host declined the session", 20s);
  INFO("the viewer's output:\n"
       << viewer->out() << "\nits log:\n"
       << viewer->err() << "\nthe host's log:\n"
       << host->err());
  REQUIRE(told);
  // The viewer's window says so in red.
  CHECK(wait_for_colour(b, shots, 1400, 900, 0xf25a4d, 40, 5s).count >= 40);
  keep_screenshot(b, "desktop-denied");

  prompt = ask();
  // The person lets the viewer watch, not control: the "input" switch (second of the row above the countdown) off.
  click(a, prompt.x0 + 98, prompt.y1 - 64);
  std::this_thread::sleep_for(300ms);
  click(a, prompt.x0 + 8 + 60, prompt.y1 - 18);  // Accept
  REQUIRE(host->wait_for("host: accepted (granting screen,clipboard,chat)", 10s));
  REQUIRE(viewer->wait_for("viewer: connected " + id, 20s));
  CHECK(viewer->wait_for("): screen,clipboard,chat\n", 5s));  // what the session granted: no input
  // While the session lasts, the host's window shows the sharing indicator (a red bar along its bottom).
  CHECK(wait_for_colour(a, shots, 1400, 900, 0xbf3326, 1000 * 20, 10s).count >= 1000 * 20);
  keep_screenshot(a, "desktop-sharing-indicator");
  // The settings page, drawn from the schemas: its tab is at the window's top left.
  click(a, 92, 18);
  std::this_thread::sleep_for(800ms);
  keep_screenshot(a, "desktop-settings");

  viewer->signal(SIGTERM);
  CHECK(viewer->wait_exit(30s) == 0);
  host->signal(SIGTERM);
  CHECK(host->wait_exit(30s) == 0);
}

TEST_CASE("a wrong ID is explained in the window, and the settings page turns a plugin on in the user's config") {
  Server server;
  Xvfb b("1400x900x24");
  TempDir shots;
  Machine m(server);
  auto app = open_app(m, b);
  type_connect(b, "123456789", "whatever");
  REQUIRE(app->wait_for("viewer: failed 123456789: ", 30s));
  CHECK(app->out().find("is not registered here") != std::string::npos);
  CHECK(wait_for_colour(b, shots, 1400, 900, 0xf25a4d, 40, 5s).count >= 40);  // said in red

  // Settings: the tab, the plugin list's filter, then the one plugin left's switch.
  click(b, 92, 18);
  std::this_thread::sleep_for(500ms);
  click(b, 120, 246);
  std::this_thread::sleep_for(300ms);
  xdotool(b, "type --delay 30 testpattern");
  std::this_thread::sleep_for(500ms);
  keep_screenshot(b, "desktop-settings-filtered");
  click(b, 18, 273);
  const auto peer_yaml = m.home / "config/telepane/peer.yaml";
  REQUIRE(eventually_contains(peer_yaml, "org.telepane.capture.testpattern"));
  // What was there before is kept, and the file is one `telepane config check` accepts.
  CHECK(eventually_contains(peer_yaml, server.key));
  const auto check = run_process({TELEPANE_BIN, "config", "check"}, {m.env(), {}, 60s});
  CHECK(check.exit_code == 0);
  const auto listed = run_process({TELEPANE_BIN, "plugins", "list"}, {m.env(), {}, 60s});
  const auto at = listed.out.find("org.telepane.capture.testpattern");
  REQUIRE(at != std::string::npos);
  const std::string line = listed.out.substr(at, listed.out.find('\n', at) - at);
  CHECK_THAT(line, Catch::Contains(" loaded"));
  app->signal(SIGTERM);
  CHECK(app->wait_exit(30s) == 0);
}
