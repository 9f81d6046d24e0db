// Files that hold a private key: created mode 0600 (directory 0700) from the first byte, and refused when others
// could read or write them, so a key is never exposed, not even briefly.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace telepane::core::identity {

// Writes `content` to `file` atomically (a temporary file, then rename). Throws IdentityError naming the file.
void write_private_file(const std::filesystem::path& file, const std::string& content);
// The file's content; nullopt when it does not exist. Throws IdentityError when it is readable or writable by
// others, owned by another user, or unreadable.
std::optional<std::string> read_private_file(const std::filesystem::path& file);

}  // namespace telepane::core::identity
