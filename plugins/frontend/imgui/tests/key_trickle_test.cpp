#include "key_trickle.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using telepane::frontend::KeyChange;
using telepane::frontend::KeyTrickle;

namespace {
constexpr int kPress = 1, kRelease = 0;  // GLFW_PRESS, GLFW_RELEASE
constexpr int kEnter = 257, kCtrl = 341, kA = 65;

// What ImGui was handed, frame by frame: "+257" a press, "-257" a release, "|" a new frame.
struct Seen {
  std::string log;
  KeyTrickle trickle{
      [this](const KeyChange& c) { log += (c.action == kPress ? "+" : "-") + std::to_string(c.key) + " "; }};
  void key(int key, int action) { trickle.on_key({key, 0, action, 0}); }
  bool frame() {
    log += "| ";
    return trickle.next_frame();
  }
};
}  // namespace

TEST_CASE("a key tapped within one frame is down for that frame and released at the next") {
  Seen s;
  s.key(kEnter, kPress);
  s.key(kEnter, kRelease);
  CHECK(s.log == "+257 ");
  CHECK(s.trickle.waiting());
  CHECK(s.frame());  // the release went: one more frame must read it
  CHECK(s.log == "+257 | -257 ");
  CHECK_FALSE(s.frame());
  CHECK_FALSE(s.trickle.waiting());
}

TEST_CASE("Ctrl+A typed faster than a frame keeps Ctrl down while A is down, and the order of each key") {
  Seen s;
  s.key(kCtrl, kPress);
  s.key(kA, kPress);
  s.key(kA, kRelease);
  s.key(kCtrl, kRelease);
  CHECK(s.log == "+341 +65 ");
  s.frame();
  CHECK(s.log == "+341 +65 | -65 -341 ");
}

TEST_CASE("a key tapped twice in one frame is seen down twice, one change per frame") {
  Seen s;
  for (int i = 0; i < 2; ++i) {
    s.key(kA, kPress);
    s.key(kA, kRelease);
  }
  while (s.frame()) {
  }
  CHECK(s.log == "+65 | -65 | +65 | -65 | ");
}

TEST_CASE("keys changing at a person's pace pass straight through") {
  Seen s;
  s.key(kA, kPress);
  s.frame();
  s.key(kA, kRelease);
  s.frame();
  s.key(kEnter, kPress);
  CHECK(s.log == "+65 | -65 | +257 ");
  CHECK_FALSE(s.trickle.waiting());
}
