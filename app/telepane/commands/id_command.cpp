// telepane id: this machine's ID for people and its full ID for viewers who trust no server.
#include "commands.hpp"

#include <telepane/core/identity/identity.hpp>

#include <iostream>

namespace telepane::app {

int id_command(const CliOptions& opts) {
  if (opts.words.size() != 1) throw UsageError("'id' takes no arguments");
  const auto file =
      opts.identity_file.empty() ? core::identity::default_identity_file() : std::filesystem::path(opts.identity_file);
  try {
    const auto id = core::identity::Identity::load_or_create(file);
    std::cout << "id:       " << id.numeric_id() << "\n"
              << "full id:  " << id.full_id() << "\n"
              << "key file: " << file.string() << "\n";
  } catch (const core::identity::IdentityError& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace telepane::app
