// The viewer's pins: which host key (by fingerprint) each host ID had the first time we connected. A host that
// later presents another key fails hard with "key mismatch" and both fingerprints, until the person accepts the
// new key on purpose.
//
// File format, one host a line:  <9-digit ID> <fingerprint>     ('#' starts a comment)
#pragma once

#include <telepane/core/identity/identity.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace telepane::core::identity {

class KnownHosts {
 public:
  // Reads the file (absent = no pins). Throws IdentityError naming file:line for a malformed line.
  static KnownHosts load(const std::filesystem::path& file);

  enum class Verdict { New, Match, Mismatch };
  Verdict check(const std::string& id, const PublicKey& presented) const;
  std::optional<std::string> pinned(const std::string& id) const;

  // Pin (or re-pin) and save at once: written to a temporary file and renamed, mode 0600.
  void pin(const std::string& id, const std::string& fingerprint);
  // Returns false when the ID had no pin.
  bool forget(const std::string& id);
  const std::map<std::string, std::string>& all() const { return pins_; }

 private:
  void save() const;
  std::filesystem::path file_;
  std::map<std::string, std::string> pins_;
};

// The one line a viewer shows on a mismatch: both fingerprints and the command that accepts the new key.
std::string key_mismatch_message(const std::string& id, const std::string& pinned_fingerprint,
                                 const std::string& presented_fingerprint);

// $XDG_DATA_HOME/telepane/known_hosts (or ~/.local/share/telepane/known_hosts).
std::filesystem::path default_known_hosts_file();

}  // namespace telepane::core::identity
