#include <telepane/core/identity/identity.hpp>
#include <telepane/core/identity/private_file.hpp>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace telepane::core::identity {
namespace fs = std::filesystem;

namespace {
constexpr const char* kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";  // RFC 4648 base32, lower case
constexpr std::size_t kFingerprintChars = 32;                          // 160 bits

void init() {
  if (sodium_init() < 0) throw IdentityError("libsodium failed to initialise");
}

std::string hex(const uint8_t* p, std::size_t n) {
  std::string s(n * 2, '\0');
  sodium_bin2hex(s.data(), s.size() + 1, p, n);
  return s;
}
}  // namespace

Identity::Identity(Identity&& o) noexcept
    : public_(o.public_), private_(o.private_), id_counter_(o.id_counter_), numeric_id_(std::move(o.numeric_id_)) {
  sodium_memzero(o.private_.data(), o.private_.size());
}
Identity& Identity::operator=(Identity&& o) noexcept {
  if (this != &o) {
    public_ = o.public_;
    private_ = o.private_;
    id_counter_ = o.id_counter_;
    numeric_id_ = std::move(o.numeric_id_);
    sodium_memzero(o.private_.data(), o.private_.size());
  }
  return *this;
}
Identity::~Identity() {
  sodium_memzero(private_.data(), private_.size());
}

std::string fingerprint_of(const PublicKey& key) {
  init();
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, key.data(), key.size(), nullptr, 0);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.size() < kFingerprintChars) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

std::string numeric_id_for(const PublicKey& key, uint32_t n) {
  init();
  uint8_t input[36];
  std::memcpy(input, key.data(), 32);
  for (int i = 0; i < 4; ++i) input[32 + i] = uint8_t(n >> (8 * i));
  uint8_t digest[8];
  crypto_generichash(digest, sizeof digest, input, sizeof input, nullptr, 0);
  uint64_t v = 0;
  for (uint8_t b : digest) v = (v << 8) | b;
  return std::to_string(100000000 + v % 900000000);
}

std::string Identity::fingerprint() const {
  return fingerprint_of(public_);
}

void Identity::use_next_numeric_id() {
  numeric_id_ = numeric_id_for(public_, ++id_counter_);
}

Identity Identity::generate() {
  init();
  Identity id;
  randombytes_buf(id.private_.data(), id.private_.size());
  crypto_scalarmult_base(id.public_.data(), id.private_.data());
  id.numeric_id_ = numeric_id_for(id.public_, 0);
  return id;
}

void Identity::save(const fs::path& file) const {
  write_private_file(
      file,
      "# Telepane identity. Keep it private: whoever holds this key is this machine to every viewer that\n"
      "# pinned it. Deleting it makes a new identity, and viewers then see \"key mismatch\".\n"
      "private_key: " +
          hex(private_.data(), private_.size()) + "\nid_counter: " + std::to_string(id_counter_) + "\n");
}

Identity Identity::load_or_create(const fs::path& file) {
  init();
  const auto text = read_private_file(file);
  if (!text) {
    Identity id = generate();
    id.save(file);
    return id;
  }
  std::istringstream in(*text);
  std::string line, key_hex;
  uint32_t counter = 0;
  bool have_counter = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("private_key: ", 0) == 0) {
      key_hex = line.substr(13);
    } else if (line.rfind("id_counter: ", 0) == 0) {
      char* end = nullptr;
      const unsigned long v = std::strtoul(line.c_str() + 12, &end, 10);
      if (end == line.c_str() + 12 || *end != '\0' || v > 1000000)
        throw IdentityError(file.string() + ": bad id_counter");
      counter = uint32_t(v);
      have_counter = true;
    } else {
      throw IdentityError(file.string() + ": unexpected line '" + line.substr(0, 40) + "'");
    }
  }
  Identity id;
  std::size_t len = 0;
  if (key_hex.size() != 64 || !have_counter ||
      sodium_hex2bin(id.private_.data(), id.private_.size(), key_hex.c_str(), key_hex.size(), nullptr, &len, nullptr) !=
          0 ||
      len != 32)
    throw IdentityError(file.string() +
                        ": malformed identity file (expected private_key: <64 hex digits> and "
                        "id_counter: <n>); it was left untouched");
  crypto_scalarmult_base(id.public_.data(), id.private_.data());
  id.id_counter_ = counter;
  id.numeric_id_ = numeric_id_for(id.public_, counter);
  return id;
}

std::optional<FullId> parse_peer_id(const std::string& text) {
  const auto at = text.find('@');
  std::string digits;
  for (char c : text.substr(0, at)) {
    if (c == ' ') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits += c;
  }
  if (digits.size() != 9 || digits[0] == '0') return std::nullopt;
  FullId id{digits, std::nullopt};
  if (at != std::string::npos) {
    const std::string fp = text.substr(at + 1);
    if (fp.size() != kFingerprintChars || fp.find_first_not_of(kAlphabet) != std::string::npos) return std::nullopt;
    id.fingerprint = fp;
  }
  return id;
}

fs::path default_identity_file() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (data_home != nullptr && *data_home != '\0') return fs::path(data_home) / "telepane/identity";
  if (home != nullptr && *home != '\0') return fs::path(home) / ".local/share/telepane/identity";
  throw IdentityError("neither XDG_DATA_HOME nor HOME is set: cannot place the identity file");
}

}  // namespace telepane::core::identity
