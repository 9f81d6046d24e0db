// telepane known-hosts list | accept ID@FINGERPRINT | forget ID
#include "commands.hpp"

#include <telepane/core/identity/known_hosts.hpp>

#include <iostream>

namespace telepane::app {
namespace id = core::identity;

int known_hosts_command(const CliOptions& opts) {
  const auto& w = opts.words;
  const std::string sub = w.size() >= 2 ? w[1] : "";
  if (!((sub == "list" && w.size() == 2) || ((sub == "accept" || sub == "forget") && w.size() == 3)))
    throw UsageError("expected 'known-hosts list', 'known-hosts accept ID@FINGERPRINT' or 'known-hosts forget ID'");
  const auto file =
      opts.known_hosts_file.empty() ? id::default_known_hosts_file() : std::filesystem::path(opts.known_hosts_file);
  try {
    auto hosts = id::KnownHosts::load(file);
    if (sub == "list") {
      for (auto& [host, fp] : hosts.all()) std::cout << host << "@" << fp << "\n";
      return kExitOk;
    }
    if (sub == "forget") {
      if (!hosts.forget(w[2])) {
        std::cerr << "telepane: " << w[2] << " is not pinned in " << file.string() << "\n";
        return kExitFailed;
      }
      std::cout << "forgot " << w[2] << "\n";
      return kExitOk;
    }
    const auto full = id::parse_peer_id(w[2]);
    if (!full || !full->fingerprint) throw UsageError("'" + w[2] + "' is not a full ID (ID@fingerprint)");
    const auto before = hosts.pinned(full->numeric_id);
    hosts.pin(full->numeric_id, *full->fingerprint);
    std::cout << (before ? "re-pinned " : "pinned ") << full->numeric_id << "@" << *full->fingerprint
              << (before && *before != *full->fingerprint ? " (was " + *before + ")" : "") << "\n";
    return kExitOk;
  } catch (const id::IdentityError& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
