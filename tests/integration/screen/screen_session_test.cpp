// The screen as people meet it: a real `telepane host` sharing an Xvfb desktop with real X applications, a real
// headless `telepane connect` recording it, and independent judges: ffprobe and ffmpeg read the recordings,
// xwd screenshots of the host display are compared with the decoded frames, an X client on the host display sees
// the viewer's input, xclip sees the clipboard.
#include "child_process.hpp"
#include "peer_processes.hpp"
#include "x_app_window.hpp"
#include "xvfb.hpp"

#include "shell.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <thread>

using telepane::test::ChildProcess;
using telepane::test::Machine;
using telepane::test::SharedDesk;
using telepane::test::TempDir;
using telepane::test::Xvfb;
using namespace std::chrono_literals;
using telepane::test::run;

namespace {
// An X application on the test display, stopped with the test.
std::unique_ptr<ChildProcess> app(const Xvfb& x, std::vector<std::string> argv) {
  return std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{{"DISPLAY", x.display}});
}

// Every picture of `video` decoded by ffmpeg, as RGB, handed to `each(index, bytes)`: each once, as recorded (no
// frames repeated to a constant rate).
template <class Fn>
int decode_frames(const std::string& video, std::size_t frame_bytes, Fn each) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(
      popen(("ffmpeg -v error -i " + video + " -fps_mode passthrough -f rawvideo -pix_fmt rgb24 -").c_str(), "r"),
      pclose);
  std::vector<uint8_t> frame(frame_bytes);
  int n = 0;
  while (p && fread(frame.data(), 1, frame.size(), p.get()) == frame.size()) each(n++, frame);
  return n;
}

std::vector<uint8_t> screenshot(const Xvfb& x, const std::string& file) {
  REQUIRE(std::system(("xwd -root -silent -display " + x.display + " -out " + file).c_str()) == 0);
  std::unique_ptr<FILE, int (*)(FILE*)> p(
      popen(("ffmpeg -v error -i " + file + " -f rawvideo -pix_fmt rgb24 -").c_str(), "r"), pclose);
  std::vector<uint8_t> out;
  std::array<uint8_t, 65536> buf{};
  for (std::size_t n; p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0;)
    out.insert(out.end(), buf.data(), buf.data() + n);
  return out;
}

double psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  uint64_t se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const int d = int(a[i]) - int(b[i]);
    se += uint64_t(d * d);
  }
  const double mse = double(se) / double(a.size());
  return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::vector<std::string> connect_args(const SharedDesk& desk, std::vector<std::string> more) {
  std::vector<std::string> a = {TELEPANE_BIN, "connect",    desk.full_id, "--address",
                                desk.address, "--password", desk.otp};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}
}  // namespace

TEST_CASE("the recording of a real desktop matches screenshots of the host display, for VP9 and H.264") {
  for (const auto& [codec, file] :
       std::vector<std::pair<std::string, std::string>>{{"vp9", "desk.webm"}, {"h264", "desk.mkv"}}) {
    INFO(codec);
    Xvfb x("1280x720x24");
    auto listing =
        app(x, {"xterm", "-geometry", "100x30+0+0", "-e", "sh", "-c", "ls -l /usr/bin | head -40; sleep 120"});
    auto clock = app(x, {"xclock", "-geometry", "200x200+1000+40", "-update", "1"});
    auto logo = app(x, {"xlogo", "-geometry", "150x150+1050+400"});
    SharedDesk desk("host: {screen: {codecs: [" + codec + "]}}\n", {{"DISPLAY", x.display}});
    Machine viewer_machine;
    TempDir out;
    const std::string video = (out / file).string();
    ChildProcess viewer(connect_args(desk, {"--headless", "--record", video, "--duration", "10", "--stats"}),
                        viewer_machine.env());
    viewer.close_stdin();
    REQUIRE(viewer.wait_for("session: established", 30s));
    // Three moments: a new window appears, the desktop settles, the test takes a screenshot.
    std::vector<std::vector<uint8_t>> shots;
    std::vector<std::unique_ptr<ChildProcess>> windows;
    for (int k = 0; k < 3; ++k) {
      std::this_thread::sleep_for(1s);
      const std::string text = "moment " + std::to_string(k) + ": " + std::string(size_t(20 + k * 7), char('A' + k));
      windows.push_back(
          app(x, {"xterm", "-geometry", "50x8+" + std::to_string(150 + k * 300) + "+" + std::to_string(420 + k * 40),
                  "-e", "sh", "-c", "echo '" + text + "'; sleep 120"}));
      std::this_thread::sleep_for(1500ms);
      shots.push_back(screenshot(x, (out / ("shot" + std::to_string(k) + ".xwd")).string()));
      REQUIRE(shots.back().size() == std::size_t(1280) * 720 * 3);
    }
    REQUIRE(viewer.wait_exit(40s) == 0);
    INFO("viewer: " << viewer.out() << viewer.err());
    const auto probe =
        run("ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of "
            "csv=p=0 " +
            video);
    CHECK(probe == codec + ",1280,720\n");
    std::vector<double> best(shots.size(), 0);
    std::vector<int> at(shots.size(), -1);
    const int frames = decode_frames(video, shots[0].size(), [&](int n, const std::vector<uint8_t>& f) {
      for (std::size_t k = 0; k < shots.size(); ++k)
        if (const double q = psnr(f, shots[k]); q > best[k]) best[k] = q, at[k] = n;
    });
    CHECK(frames > 5);
    for (std::size_t k = 0; k < shots.size(); ++k) {
      INFO("screenshot " << k << ": best PSNR " << best[k] << " dB at frame " << at[k] << " of " << frames);
      CHECK(best[k] >= 35.0);
      if (k > 0) CHECK(at[k] > at[k - 1]);  // each moment found in order, not one frame matching everything
    }
    CHECK(viewer.out().find(" " + codec + ", ") != std::string::npos);  // --stats names the codec
    CHECK(std::regex_search(viewer.out(), std::regex(R"(latency ms p50 [0-9.]+ p95 [0-9.]+ p99 [0-9.]+)")));
  }
}

TEST_CASE("input: a click and typed text from the viewer reach an X client on the host exactly, view-only refuses") {
  Xvfb x;
  telepane::test::AppWindow window(x.display);
  SECTION("granted") {
    SharedDesk desk("", {{"DISPLAY", x.display}});
    Machine viewer_machine;
    ChildProcess viewer(connect_args(desk, {"--headless"}), viewer_machine.env());
    REQUIRE(viewer.wait_for("session: established", 30s));
    viewer.write("/click 150 150\n/type hi there\n/key shift+a\n");
    REQUIRE(viewer.wait_for("pressed shift+a", 10s));
    telepane::test::InputSeen seen;
    for (int i = 0; i < 50 && seen.typed.size() < 9; ++i) {
      const auto more = telepane::test::input_seen(window.events(100ms));
      seen.typed += more.typed;
      seen.presses.insert(seen.presses.end(), more.presses.begin(), more.presses.end());
      seen.releases += more.releases;
    }
    CHECK(seen.typed == "hi thereA");
    REQUIRE(seen.presses.size() == 1);
    CHECK(seen.presses[0] == std::pair{100, 100});  // window-relative: the window is at 50,50
    CHECK(seen.releases == 1);
    viewer.close_stdin();
    CHECK(viewer.wait_exit(20s) == 0);
  }
  SECTION("view-only") {
    SharedDesk desk("host: {grant: [screen, chat]}\n", {{"DISPLAY", x.display}});
    Machine viewer_machine;
    ChildProcess viewer(connect_args(desk, {"--headless"}), viewer_machine.env());
    REQUIRE(viewer.wait_for("session: established", 30s));
    viewer.write("/click 150 150\n/type hi\n");
    REQUIRE(viewer.wait_for("the host did not grant input (view-only): nothing sent", 10s));
    CHECK(window.events(1s).empty());
    viewer.close_stdin();
    CHECK(viewer.wait_exit(20s) == 0);
  }
}

TEST_CASE("clipboard: text from the viewer lands in the host's CLIPBOARD, and the host's comes back") {
  Xvfb x;
  SharedDesk desk("", {{"DISPLAY", x.display}});
  Machine viewer_machine;
  ChildProcess viewer(connect_args(desk, {"--headless"}), viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  viewer.write("/clip from the viewer, with ünïcode\n");
  std::string got;
  for (int i = 0; i < 100 && got != "from the viewer, with ünïcode"; ++i) {
    std::this_thread::sleep_for(50ms);
    got = run("xclip -o -selection clipboard -display " + x.display + " 2>/dev/null");
  }
  CHECK(got == "from the viewer, with ünïcode");
  // A host application copies: xclip owns the selection until another client takes it.
  ChildProcess copier({"xclip", "-quiet", "-i", "-selection", "clipboard", "-display", x.display}, {});
  copier.write("copied on the host");
  copier.close_stdin();
  CHECK(viewer.wait_for("host clipboard: copied on the host", 10s));
  viewer.close_stdin();
  CHECK(viewer.wait_exit(20s) == 0);
}

TEST_CASE("an idle desktop sends almost nothing, and a resolution change is followed without reconnecting") {
  Xvfb x("1280x720x24");
  auto listing = app(x, {"xterm", "-geometry", "80x24+0+0", "-e", "sh", "-c", "echo a still desktop; sleep 120"});
  SharedDesk desk("", {{"DISPLAY", x.display}});
  Machine viewer_machine;
  TempDir out;
  SECTION("idle") {
    ChildProcess viewer(connect_args(desk, {"--headless", "--duration", "10", "--stats"}), viewer_machine.env());
    viewer.close_stdin();
    REQUIRE(viewer.wait_exit(40s) == 0);
    INFO(viewer.out());
    // The first picture and its two refinements; then nothing changes for 10 s.
    std::smatch m;
    const std::string said = viewer.out();
    REQUIRE(std::regex_search(said, m, std::regex(R"(screen: 1280x720 \w+, ([0-9]+) frames)")));
    CHECK(std::stoi(m[1]) <= 4);
  }
  SECTION("resolution change") {
    const std::string video = (out / "resize.mkv").string();
    ChildProcess viewer(connect_args(desk, {"--headless", "--record", video, "--duration", "5"}), viewer_machine.env());
    viewer.close_stdin();
    REQUIRE(viewer.wait_for("session: established", 30s));
    std::this_thread::sleep_for(1500ms);
    const std::string xr = "xrandr --display " + x.display;
    REQUIRE(std::system((xr + " --newmode 1024x576 0 1024 0 0 0 576 0 0 0 && " + xr + " --addmode screen 1024x576 && " +
                         xr + " --output screen --mode 1024x576")
                            .c_str()) == 0);
    REQUIRE(viewer.wait_exit(40s) == 0);
    INFO(viewer.out() << viewer.err());
    CHECK(viewer.out().find("reconnecting") == std::string::npos);
    const auto sizes = run("ffprobe -v error -show_entries frame=width,height -of csv=p=0 " + video + " | uniq");
    CHECK(sizes.find("1280,720") != std::string::npos);
    CHECK(sizes.find("1024,576") != std::string::npos);
    CHECK(sizes.find("1024,576") > sizes.find("1280,720"));
  }
}

TEST_CASE("the pointer travels apart from the picture: the viewer moves it and hears where it went, with its shape") {
  Xvfb x;
  SharedDesk desk("", {{"DISPLAY", x.display}});
  Machine viewer_machine;
  ChildProcess viewer(connect_args(desk, {"--headless", "--stats"}), viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  viewer.write("/move 321 123\n");
  REQUIRE(viewer.wait_for("moved to 321,123", 10s));
  std::this_thread::sleep_for(1500ms);  // the host polls the pointer at its frame rate
  viewer.close_stdin();
  REQUIRE(viewer.wait_exit(20s) == 0);
  INFO(viewer.out());
  std::smatch m;
  const std::string said = viewer.out();
  REQUIRE(std::regex_search(said, m,
                            std::regex(R"(cursor: ([0-9]+) updates, ([0-9]+) shapes, last at (-?[0-9]+),(-?[0-9]+))")));
  CHECK(std::stoi(m[2]) >= 1);  // the shape came along with the first update
  CHECK(m[3] == "321");
  CHECK(m[4] == "123");
}

TEST_CASE("host-side recording: with host.screen.record_dir each session's stream is written where ffprobe reads it") {
  Xvfb x;
  TempDir out;
  auto clock = app(x, {"xclock", "-update", "1"});
  SharedDesk desk("host: {screen: {record_dir: \"" + (out / "recordings").string() + "\", codecs: [vp9]}}\n",
                  {{"DISPLAY", x.display}});
  Machine viewer_machine;
  ChildProcess viewer(connect_args(desk, {"--headless", "--duration", "3"}), viewer_machine.env());
  viewer.close_stdin();
  REQUIRE(viewer.wait_exit(30s) == 0);
  REQUIRE(desk.host->wait_for("session: closed", 20s));
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < 100 && files.empty(); ++i) {
    std::this_thread::sleep_for(50ms);
    if (std::filesystem::exists(out / "recordings"))
      for (const auto& e : std::filesystem::directory_iterator(out / "recordings")) files.push_back(e.path());
  }
  REQUIRE(files.size() == 1);
  CHECK(files[0].extension() == ".webm");
  const auto probe =
      run("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
          "stream=codec_name,width,height,nb_read_frames -of csv=p=0 " +
          files[0].string());
  INFO(probe);
  CHECK(probe.rfind("vp9,640,480,", 0) == 0);
  CHECK(std::stoi(probe.substr(12)) >= 3);  // the first picture, its refinements, the clock's ticks
}

TEST_CASE("several monitors: the viewer switches the host's display live, and an unknown one is refused, named") {
  Xvfb x("1280x480x24");
  const std::string xr = "xrandr --display " + x.display;
  // Two monitors side by side on the one screen (besides the screen's own), as XRandR describes real ones.
  REQUIRE(std::system((xr + " --setmonitor left 640/169x480/127+0+0 none && " + xr +
                       " --setmonitor right 640/169x480/127+640+0 none")
                          .c_str()) == 0);
  auto clock = app(x, {"xclock", "-geometry", "200x200+700+100", "-update", "1"});
  SharedDesk desk("", {{"DISPLAY", x.display}});
  Machine viewer_machine;
  ChildProcess viewer(connect_args(desk, {"--headless", "--stats"}), viewer_machine.env());
  REQUIRE(viewer.wait_for("session: established", 30s));
  std::this_thread::sleep_for(500ms);
  viewer.write("/display 9\n");
  REQUIRE(viewer.wait_for("the host did not switch to display 9: ", 10s));
  CHECK(viewer.out().find("display 9 does not exist (this screen has 3)") != std::string::npos);
  viewer.write("/display 2\n");
  REQUIRE(viewer.wait_for("asked the host for display 2", 10s));
  std::this_thread::sleep_for(2s);
  viewer.close_stdin();
  REQUIRE(viewer.wait_exit(20s) == 0);
  INFO(viewer.out() << viewer.err());
  CHECK(viewer.out().find("reconnecting") == std::string::npos);
  // A second stream started, on the display asked for, in the same session; the first showed another monitor.
  const std::string said = viewer.out(), log = viewer.err();
  std::smatch m;
  REQUIRE(std::regex_search(said, m, std::regex(R"(screen: ([0-9]+)x([0-9]+) .*; display ([0-9]+))")));
  CHECK(m[3] == "2");
  CHECK(std::regex_search(log, std::regex(R"(stream 1: \w+ [0-9]+x480 \(display 0\))")));
  CHECK(std::regex_search(log, std::regex("stream 2: \\w+ " + std::string(m[1]) + "x480 \\(display 2\\)")));
}
