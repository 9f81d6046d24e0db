#include <telepane/core/identity/identity.hpp>
#include <telepane/core/identity/private_file.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace telepane::core::identity {
namespace fs = std::filesystem;

void write_private_file(const fs::path& file, const std::string& content) {
  std::error_code ec;
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const bool created = fs::create_directories(dir, ec);
  if (ec) throw IdentityError(dir.string() + ": cannot create: " + ec.message());
  if (created) chmod(dir.c_str(), 0700);  // ours alone; a directory that already existed keeps its mode
  const fs::path tmp = file.string() + ".new";
  const mode_t old = umask(077);
  std::ofstream out(tmp, std::ios::trunc);
  umask(old);
  out << content;
  out.close();
  if (!out) throw IdentityError(tmp.string() + ": cannot write");
  fs::rename(tmp, file, ec);
  if (ec) throw IdentityError(file.string() + ": cannot write: " + ec.message());
}

std::optional<std::string> read_private_file(const fs::path& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw IdentityError(file.string() + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0)
    throw IdentityError(file.string() + ": permissions are too open (" + std::to_string((st.st_mode & 0777) >> 6) +
                        std::to_string((st.st_mode & 070) >> 3) + std::to_string(st.st_mode & 07) +
                        "); the private key must be readable by its owner only: chmod 600 " + file.string());
  if (st.st_uid != geteuid()) throw IdentityError(file.string() + ": owned by another user");
  std::ifstream in(file);
  if (!in) throw IdentityError(file.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace telepane::core::identity
