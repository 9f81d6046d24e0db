// The headless viewer's commands: lines typed on its terminal that start with '/' drive the host's mouse, keyboard
// and clipboard through the same bus topics a desktop frontend publishes on ("input.send", "clipboard.send").
//   /move X Y    /click X Y [left|middle|right]    /scroll DY    /type TEXT    /key [ctrl+|shift+|alt+]NAME
//   /clip TEXT   /help
#pragma once

#include <telepane/core/bus/event_bus.hpp>

#include <string>
#include <vector>

namespace telepane::app {

// True when `line` is a command (it starts with '/'); what it did or why not goes to `reply`. `granted`: the
// capabilities the host granted this session; input to a host that did not grant it (view-only) is not sent.
// [any thread]
bool viewer_command(const std::string& line, core::EventBus& bus, const std::vector<std::string>& granted,
                    std::string& reply);

}  // namespace telepane::app
