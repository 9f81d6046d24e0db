// telepane-server's settings (server.yaml): the rendezvous and relay roles beside plugins and log.
#pragma once

#include <telepane/core/config/schema.hpp>

namespace telepane::server {

core::config::Schema server_settings();

}  // namespace telepane::server
