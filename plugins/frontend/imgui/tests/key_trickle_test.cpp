#include "key_trickle.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <utility>

using telepane::frontend::KeyChange;
using telepane::frontend::KeyTrickle;

namespace {
constexpr int kPress = 1, kRelease = 0;  // GLFW_PRESS, GLFW_RELEASE
constexpr int kEnter = 257, kCtrl = 341, kA = 65;

// What ImGui was handed, and when it read it: "+257" a press, "-257" a release, "'x'" a character typed, "|" a new
// frame reading all of it.
struct Seen {
  std::string log;
  KeyTrickle trickle{
      [this](const KeyChange& c) { log += (c.action == kPress ? "+" : "-") + std::to_string(c.key) + " "; },
      [this](unsigned c) { log += "'" + std::string(1, char(c)) + "' "; }};
  void key(int key, int action) { trickle.on_key({key, 0, action, 0}); }
  void keys(std::initializer_list<std::pair<int, int>> changes) {  // (key, action) pairs, faster than a frame
    for (auto [k, action] : changes) key(k, action);
  }
  void type(char c) {  // as X delivers a letter: its key goes down, the character, its key comes up
    key(c - 'a' + kA, kPress);
    trickle.on_char(unsigned(c));
    key(c - 'a' + kA, kRelease);
  }
  bool frame() {
    return trickle.frame([this] { log += "| "; });
  }
  void settle() {
    for (int frames = 0; frame(); ++frames) REQUIRE(frames < 100);
  }
};
}  // namespace

TEST_CASE("a key tapped within one frame is down for that frame and released for the next") {
  Seen s;
  s.key(kEnter, kPress);
  s.key(kEnter, kRelease);
  CHECK(s.log == "+257 ");
  CHECK(s.frame());  // the release still waits: one more frame must be drawn
  CHECK_FALSE(s.frame());
  CHECK(s.log == "+257 | -257 | ");
}

TEST_CASE("Ctrl+A faster than a frame: the frame that reads A down reads Ctrl down") {
  Seen s;
  s.keys({{kCtrl, kPress}, {kA, kPress}, {kA, kRelease}, {kCtrl, kRelease}});
  s.settle();
  CHECK(s.log == "+341 +65 | -65 -341 | ");
}

TEST_CASE("Ctrl let go before A, in the frame A went down, still waits for a frame to read A with Ctrl") {
  Seen s;
  s.key(kCtrl, kPress);
  s.frame();
  s.keys({{kA, kPress}, {kCtrl, kRelease}, {kA, kRelease}});  // the order xdotool's key ctrl+a uses
  s.settle();
  CHECK(s.log == "+341 | +65 | -341 -65 | ");
}

TEST_CASE("a key tapped twice in one frame is seen down twice") {
  Seen s;
  s.keys({{kA, kPress}, {kA, kRelease}, {kA, kPress}, {kA, kRelease}});
  s.settle();
  CHECK(s.log == "+65 | -65 | +65 | -65 | ");
}

TEST_CASE("text typed before Enter is read before Enter, and text after it after") {
  Seen s;
  s.type('h');
  s.type('i');
  s.keys({{kEnter, kPress}, {kEnter, kRelease}});
  s.type('x');
  s.settle();
  const auto enter = s.log.find("+257");
  REQUIRE(enter != std::string::npos);
  CHECK(s.log.find("'h'") < s.log.find("'i'"));
  CHECK(s.log.find("'i'") < enter);
  CHECK(s.log.find("'x'") > enter);
  // Enter is read in a frame of its own: the text before it arrived in an earlier one.
  CHECK(s.log.rfind("|", enter) > s.log.find("'i'"));
}

TEST_CASE("keys at a person's pace pass straight through") {
  Seen s;
  s.key(kA, kPress);
  CHECK_FALSE(s.frame());
  s.key(kA, kRelease);
  CHECK_FALSE(s.frame());
  s.key(kEnter, kPress);
  CHECK(s.log == "+65 | -65 | +257 ");
}
