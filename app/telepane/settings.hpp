// The peer's own settings (host, rendezvous, connect) beside the plugins and log sections every program has.
#pragma once

#include <telepane/core/config/schema.hpp>

namespace telepane::app {

core::config::Schema peer_settings();

}  // namespace telepane::app
