#include "session/viewer_commands.hpp"

#include <telepane/sdk/input_events.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace telepane::app {
namespace in = sdk::input;

namespace {
constexpr const char* kHelp =
    "commands: /move X Y, /click X Y [left|middle|right], /scroll DY, /type TEXT, /key [ctrl+|shift+|alt+]NAME "
    "(a character, Return, Tab, BackSpace, Escape, Delete, Home, End, Left, Right, Up, Down, F1-F12), /clip TEXT, "
    "/display N (the host's monitor to show), /fps N, /quality low|balanced|high, /codec NAME (change the stream)";

void send(core::EventBus& bus, const in::Event& e) {
  const auto bytes = in::encode(e);
  bus.publish("input.send", std::string(bytes.begin(), bytes.end()));
}

// X11 keysyms: Latin-1 characters are their own code; other characters are 0x01000000 + their code point.
std::vector<uint32_t> keysyms_of(const std::string& utf8) {
  std::vector<uint32_t> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = c;
    std::size_t n = 1;
    if (c >= 0xf0)
      cp = c & 0x07, n = 4;
    else if (c >= 0xe0)
      cp = c & 0x0f, n = 3;
    else if (c >= 0xc0)
      cp = c & 0x1f, n = 2;
    for (std::size_t k = 1; k < n && i + k < utf8.size(); ++k)
      cp = cp << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3f);
    i += n;
    out.push_back(cp >= 0x20 && cp <= 0xff ? cp : 0x01000000 + cp);
  }
  return out;
}

std::optional<uint32_t> named_keysym(const std::string& name) {
  static const std::map<std::string, uint32_t> names = {
      {"Return", 0xff0d}, {"Tab", 0xff09}, {"BackSpace", 0xff08}, {"Escape", 0xff1b},   {"Delete", 0xffff},
      {"Home", 0xff50},   {"End", 0xff57}, {"Left", 0xff51},      {"Up", 0xff52},       {"Right", 0xff53},
      {"Down", 0xff54},   {"space", 0x20}, {"Page_Up", 0xff55},   {"Page_Down", 0xff56}};
  if (auto it = names.find(name); it != names.end()) return it->second;
  if (name.size() >= 2 && name[0] == 'F') {
    try {
      const int n = std::stoi(name.substr(1));
      if (n >= 1 && n <= 12) return uint32_t(0xffbe + n - 1);
    } catch (const std::exception&) {
    }
  }
  const auto syms = keysyms_of(name);
  if (syms.size() == 1) return syms[0];
  return std::nullopt;
}

void press(core::EventBus& bus, uint32_t keysym) {
  send(bus, in::Key{keysym, true});
  send(bus, in::Key{keysym, false});
}
}  // namespace

bool viewer_command(const std::string& line, const ViewerControls& controls, std::string& reply) {
  core::EventBus& bus = controls.bus;
  const auto& granted = controls.granted;
  if (line.empty() || line[0] != '/') return false;
  std::istringstream words(line.substr(1));
  std::string cmd;
  words >> cmd;
  const auto has = [&](const char* capability) {
    return std::find(granted.begin(), granted.end(), capability) != granted.end();
  };
  const bool input = cmd == "move" || cmd == "click" || cmd == "scroll" || cmd == "type" || cmd == "key";
  if (input && !has("input")) {
    reply = "the host did not grant input (view-only): nothing sent";
    return true;
  }
  if (cmd == "clip" && !has("clipboard")) {
    reply = "the host did not grant the clipboard: nothing sent";
    return true;
  }
  std::string rest;
  std::getline(words >> std::ws, rest);
  std::istringstream args(rest);
  int x = -1, y = -1;
  if (cmd == "move" || cmd == "click") {
    std::string button = "left";
    if (!(args >> x >> y) || x < 0 || y < 0) {
      reply = "/" + cmd + " needs X Y, two non-negative numbers (host screen pixels)";
      return true;
    }
    args >> button;
    const std::map<std::string, uint8_t> buttons = {{"left", 1}, {"middle", 2}, {"right", 3}};
    if (!buttons.count(button)) {
      reply = "unknown button '" + button + "': left, middle or right";
      return true;
    }
    send(bus, in::PointerMove{x, y});
    if (cmd == "click") {
      send(bus, in::Button{buttons.at(button), true});
      send(bus, in::Button{buttons.at(button), false});
    }
    reply = cmd == "click" ? "clicked " + button + " at " + std::to_string(x) + "," + std::to_string(y)
                           : "moved to " + std::to_string(x) + "," + std::to_string(y);
  } else if (cmd == "scroll") {
    int dy = 0;
    if (!(args >> dy) || dy < -100 || dy > 100 || dy == 0) {
      reply = "/scroll needs DY, notches from -100 to 100 (positive scrolls down)";
      return true;
    }
    send(bus, in::Wheel{0, int16_t(dy)});
    reply = "scrolled " + std::to_string(dy);
  } else if (cmd == "type") {
    if (rest.empty()) {
      reply = "/type needs the text to type";
      return true;
    }
    for (uint32_t sym : keysyms_of(rest)) press(bus, sym);
    reply = "typed " + std::to_string(keysyms_of(rest).size()) + " characters";
  } else if (cmd == "key") {
    std::vector<uint32_t> mods;
    std::string name = rest;
    const std::map<std::string, uint32_t> modifiers = {
        {"ctrl", 0xffe3}, {"shift", 0xffe1}, {"alt", 0xffe9}, {"super", 0xffeb}};
    for (std::size_t plus; (plus = name.find('+')) != std::string::npos && plus > 0 && plus + 1 < name.size();) {
      const auto it = modifiers.find(name.substr(0, plus));
      if (it == modifiers.end()) break;
      mods.push_back(it->second);
      name = name.substr(plus + 1);
    }
    const auto sym = named_keysym(name);
    if (!sym) {
      reply = "unknown key '" + name + "'. " + kHelp;
      return true;
    }
    for (auto m : mods) send(bus, in::Key{m, true});
    press(bus, *sym);
    for (auto it = mods.rbegin(); it != mods.rend(); ++it) send(bus, in::Key{*it, false});
    reply = "pressed " + rest;
  } else if (cmd == "display") {
    int index = -1;
    if (!(args >> index) || index < 0 || index > 255) {
      reply = "/display needs N, the host's display (monitor) to show: 0 is the primary";
      return true;
    }
    reply = controls.screen != nullptr && controls.screen->select_display(uint32_t(index))
                ? "asked the host for display " + std::to_string(index)
                : "no screen stream to switch";
  } else if (cmd == "fps" || cmd == "quality" || cmd == "codec") {
    core::media::StreamRequest r;
    if (cmd == "fps") {
      int fps = 0;
      if (!(args >> fps) || fps < 1 || fps > 240) {
        reply = "/fps needs N, the frame rate to ask for (1-240)";
        return true;
      }
      r.max_fps = uint32_t(fps);
    } else if (rest.empty()) {
      reply = cmd == "quality" ? "/quality needs low, balanced or high" : "/codec needs a codec name (h264, vp9, ...)";
      return true;
    } else {
      (cmd == "quality" ? r.quality : r.codec) = rest;
    }
    reply = controls.screen != nullptr && controls.screen->set_options(r) ? "asked the host for " + cmd + " " + rest
                                                                          : "no screen stream to change";
  } else if (cmd == "clip") {
    bus.publish("clipboard.send", rest);
    reply = "sent " + std::to_string(rest.size()) + " bytes to the host's clipboard";
  } else {
    reply = kHelp;
  }
  return true;
}

}  // namespace telepane::app
