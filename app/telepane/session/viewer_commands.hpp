// The headless viewer's commands: lines typed on its terminal that start with '/' drive the host's mouse, keyboard
// and clipboard through the same bus topics a desktop frontend publishes on ("input.send", "clipboard.send").
//   /move X Y    /click X Y [left|middle|right]    /scroll DY    /type TEXT    /key [ctrl+|shift+|alt+]NAME
//   /clip TEXT   /display N   /help
#pragma once

#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/media/screen_viewer.hpp>

#include <string>
#include <vector>

namespace telepane::app {

// What the commands act on.
struct ViewerControls {
  core::EventBus& bus;
  std::vector<std::string> granted;  // the host's grant: input to a host that did not grant it is not sent
  core::media::ScreenRemote* screen = nullptr;
};

// True when `line` is a command (it starts with '/'); what it did or why not goes to `reply`. [any thread]
bool viewer_command(const std::string& line, const ViewerControls& controls, std::string& reply);

}  // namespace telepane::app
