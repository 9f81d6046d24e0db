// A new permanent password turned into the verifier the config keeps, by the loaded auth plugin's enroll (the app
// knows no password scheme). Shared by `telepane password hash` and the desktop app's Set button.
#pragma once

#include <telepane/core/runtime/runtime.hpp>

#include <string>

namespace telepane::app {

struct Enrolled {
  std::string plugin_id;  // whose config subtree the verifier goes in
  std::string verifier;
};

// Throws std::runtime_error naming what went wrong (no password method loaded, the plugin's refusal).
Enrolled enroll_password(core::Runtime& rt, const std::string& password);

}  // namespace telepane::app
