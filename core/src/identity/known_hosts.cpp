#include <telepane/core/identity/known_hosts.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace telepane::core::identity {
namespace fs = std::filesystem;

KnownHosts KnownHosts::load(const fs::path& file) {
  KnownHosts k;
  k.file_ = file;
  std::ifstream in(file);
  if (!in) return k;  // no pins yet
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string id, fp, extra;
    if (!(words >> id)) continue;  // blank or comment
    words >> fp >> extra;
    const auto parsed = parse_peer_id(id + "@" + fp);
    if (!parsed || !extra.empty() || parsed->numeric_id != id)
      throw IdentityError(file.string() + ":" + std::to_string(n) + ": expected '<9-digit ID> <fingerprint>'");
    k.pins_[id] = fp;
  }
  return k;
}

KnownHosts::Verdict KnownHosts::check(const std::string& id, const PublicKey& presented) const {
  auto it = pins_.find(id);
  if (it == pins_.end()) return Verdict::New;
  return it->second == fingerprint_of(presented) ? Verdict::Match : Verdict::Mismatch;
}

std::optional<std::string> KnownHosts::pinned(const std::string& id) const {
  auto it = pins_.find(id);
  return it == pins_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void KnownHosts::pin(const std::string& id, const std::string& fingerprint) {
  const auto parsed = parse_peer_id(id + "@" + fingerprint);
  if (!parsed || parsed->numeric_id != id)
    throw IdentityError("not a host ID and fingerprint: " + id + "@" + fingerprint);
  pins_[id] = fingerprint;
  save();
}

bool KnownHosts::forget(const std::string& id) {
  if (pins_.erase(id) == 0) return false;
  save();
  return true;
}

void KnownHosts::save() const {
  std::error_code ec;
  if (!file_.parent_path().empty()) fs::create_directories(file_.parent_path(), ec);
  const fs::path tmp = file_.string() + ".new";
  const mode_t old = umask(077);
  std::ofstream out(tmp, std::ios::trunc);
  umask(old);
  out << "# Telepane known hosts: the key fingerprint each host ID had when first seen.\n";
  for (auto& [id, fp] : pins_) out << id << " " << fp << "\n";
  out.close();
  if (!out) throw IdentityError(tmp.string() + ": cannot write");
  fs::rename(tmp, file_, ec);
  if (ec) throw IdentityError(file_.string() + ": cannot write: " + ec.message());
}

std::string key_mismatch_message(const std::string& id, const std::string& pinned_fp, const std::string& presented_fp) {
  return "key mismatch for " + id + ": this host was pinned with key " + pinned_fp + " but now presents " +
         presented_fp + ". Someone may be impersonating it. If the host really has a new key, accept it with: " +
         "telepane known-hosts accept " + id + "@" + presented_fp;
}

fs::path default_known_hosts_file() {
  return default_identity_file().parent_path() / "known_hosts";
}

}  // namespace telepane::core::identity
