// The peer's own settings (host, rendezvous, connect) beside the plugins and log sections every program has.
#pragma once

#include <telepane/core/config/schema.hpp>

namespace telepane::app {

core::config::Schema peer_settings();
// The program's own sections of that schema, as JSON object members ("host": {...}, ...): the settings page draws them.
const char* peer_sections_json();

}  // namespace telepane::app
