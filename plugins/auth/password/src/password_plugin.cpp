// auth plugin "password": a permanent password (its Argon2id verifier in the config, made by `telepane password
// hash`) and a one-time password that rotates after every successful session and after `max_failures` wrong
// attempts. Proofs are SCRAM-style (scram.hpp) and bound to the session's handshake hash.
//
// Challenge: "TPA1" [u8 count] count x ([u8 kind][u32 BE ops][u32 BE MiB][16-byte salt])   kind 1 permanent, 2 one-time
// Proof:     "TPA1" [u8 count] count x ([u8 kind][32-byte proof])
// The viewer does not know which password the person typed, so it answers every entry with the same secret.
#include "scram.hpp"

#include <telepane/abi/tp_auth.h>
#include <telepane/sdk/sdk.hpp>

#include <sodium.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;
namespace auth = telepane::auth;

constexpr uint8_t kMagic[4] = {'T', 'P', 'A', '1'};
constexpr uint8_t kPermanent = 1, kOneTime = 2;
constexpr std::size_t kChallengeEntry = 1 + 4 + 4 + 16, kProofEntry = 1 + 32;
constexpr const char* kOneTimeTopic = "auth.password.one_time";
constexpr const char* kRefreshTopic = "auth.password.refresh";        // any payload: draw a new one-time password
constexpr const char* kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i: read aloud over the phone

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "verifier": {"type": "string", "default": "",
                 "description": "The permanent password's verifier, from `telepane password hash` (empty: none)"},
    "one_time": {"type": "boolean", "default": true,
                 "description": "Offer a one-time password that changes after each session"},
    "one_time_length": {"type": "integer", "minimum": 6, "maximum": 16, "default": 8,
                        "description": "Characters in the one-time password"},
    "max_failures": {"type": "integer", "minimum": 1, "maximum": 100, "default": 3,
                     "description": "Wrong attempts after which the one-time password changes"},
    "memory_mib": {"type": "integer", "minimum": 8, "maximum": 1024, "default": 64,
                   "description": "Argon2id memory for new verifiers and one-time passwords, MiB"}
  }
})JSON";

// The plugin's state, kept with its host table.
struct State {
  std::mutex mu;
  std::optional<auth::Verifier> permanent;
  bool one_time_enabled = true;
  std::size_t one_time_length = 8;
  uint32_t max_failures = 3;
  auth::KdfCost cost;
  std::optional<auth::Verifier> one_time;
  uint32_t failures = 0;

  std::string one_time_plain;           // shown to the host's person anyway; hashed only when a viewer asks
  telepane::sdk::Subscription refresh;  // the host's person asks for a new one-time password

  // [mu held] Draws a new one-time password and announces it to the host's UI.
  void rotate(Host host) {
    if (!one_time_enabled) return;
    sodium_memzero(one_time_plain.data(), one_time_plain.size());
    one_time_plain.clear();
    for (std::size_t i = 0; i < one_time_length; ++i)
      one_time_plain += kAlphabet[randombytes_uniform(uint32_t(std::strlen(kAlphabet)))];
    one_time.reset();
    failures = 0;
    host.publish(kOneTimeTopic, one_time_plain);
  }
  // [mu held] The one-time verifier, made on first use: loading the plugin (every `telepane` command) stays cheap.
  void hash_one_time() {
    if (!one_time && !one_time_plain.empty())
      one_time = auth::make_verifier(
          auth::View(reinterpret_cast<const uint8_t*>(one_time_plain.data()), one_time_plain.size()), cost);
  }
  ~State() { sodium_memzero(one_time_plain.data(), one_time_plain.size()); }
};

State& state(const tp_host* h) {
  State* s = Host(h).data<State>();
  if (s == nullptr) throw Error(TP_ERR_INTERNAL, "password plugin used before on_load");
  return *s;
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

void copy_out(const std::vector<uint8_t>& data, uint8_t* out, size_t cap, size_t* len) {
  if (len != nullptr) *len = data.size();
  if (out == nullptr || cap < data.size()) throw Error(TP_ERR_NO_MEMORY, "output buffer too small");
  std::memcpy(out, data.data(), data.size());
}

tp_status challenge(const tp_host* h, uint8_t* out, size_t cap, size_t* len, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    State& s = state(h);
    std::lock_guard lock(s.mu);
    s.hash_one_time();
    std::vector<uint8_t> c(kMagic, kMagic + 4);
    c.push_back(0);
    for (auto [kind, v] : {std::pair{kPermanent, &s.permanent}, std::pair{kOneTime, &s.one_time}}) {
      if (!*v) continue;
      c.push_back(kind);
      put32(c, (*v)->cost.ops);
      put32(c, (*v)->cost.mem_mib);
      c.insert(c.end(), (*v)->salt.begin(), (*v)->salt.end());
      ++c[4];
    }
    if (c[4] == 0) throw Error(TP_ERR_NOT_FOUND, "no password is set on this host");
    copy_out(c, out, cap, len);
  });
}

tp_status prove(const tp_host*, tp_bytes hash, tp_bytes chal, tp_bytes secret, uint8_t* out, size_t cap, size_t* len,
                tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (chal.size < 5 || std::memcmp(chal.data, kMagic, 4) != 0 || chal.size != 5 + chal.data[4] * kChallengeEntry ||
        chal.data[4] == 0 || chal.data[4] > 2)
      throw Error(TP_ERR_PROTOCOL, "the host's password challenge is malformed");
    std::vector<uint8_t> proof(kMagic, kMagic + 4);
    proof.push_back(chal.data[4]);
    for (std::size_t i = 0; i < chal.data[4]; ++i) {
      const uint8_t* e = chal.data + 5 + i * kChallengeEntry;
      auth::Salt salt;
      std::memcpy(salt.data(), e + 9, salt.size());
      try {
        const auth::Key p =
            auth::client_proof({secret.data, secret.size}, {get32(e + 1), get32(e + 5)}, salt, {hash.data, hash.size});
        proof.push_back(e[0]);
        proof.insert(proof.end(), p.begin(), p.end());
      } catch (const auth::AuthError& ex) {
        throw Error(TP_ERR_PROTOCOL, std::string("the host's password challenge: ") + ex.what());
      }
    }
    copy_out(proof, out, cap, len);
  });
}

tp_status verify(const tp_host* h, tp_bytes hash, tp_bytes, tp_bytes proof, tp_auth_result* result, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (result == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null result");
    if (proof.size < 5 || std::memcmp(proof.data, kMagic, 4) != 0 || proof.size != 5 + proof.data[4] * kProofEntry)
      throw Error(TP_ERR_PROTOCOL, "the viewer's password proof is malformed");
    State& s = state(h);
    std::lock_guard lock(s.mu);
    s.hash_one_time();
    bool ok = false;
    for (std::size_t i = 0; i < proof.data[4]; ++i) {
      const uint8_t* e = proof.data + 5 + i * kProofEntry;
      const std::optional<auth::Verifier>* v = e[0] == kPermanent ? &s.permanent
                                               : e[0] == kOneTime ? &s.one_time
                                                                  : nullptr;
      if (v != nullptr && *v && auth::check_proof(**v, {hash.data, hash.size}, {e + 1, 32})) ok = true;
    }
    const Host host(h);
    if (ok) {
      *result = TP_AUTH_ACCEPTED;
      s.rotate(host);  // the one-time password serves one session, whichever password opened it
      return;
    }
    *result = TP_AUTH_REJECTED;
    if (++s.failures >= s.max_failures) {
      host.warn(std::to_string(s.failures) + " wrong passwords: the one-time password changes");
      s.rotate(host);
    }
  });
}

tp_status enroll(const tp_host* h, tp_bytes secret, char* out, size_t cap, size_t* len, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (secret.size < 8) throw Error(TP_ERR_INVALID_ARGUMENT, "a permanent password needs at least 8 characters");
    const std::string v = auth::encode_verifier(auth::make_verifier({secret.data, secret.size}, state(h).cost));
    if (len != nullptr) *len = v.size();
    if (out == nullptr || cap <= v.size()) throw Error(TP_ERR_NO_MEMORY, "output buffer too small");
    std::memcpy(out, v.c_str(), v.size() + 1);
  });
}

const tp_auth_vtbl kVtable = {sizeof(tp_auth_vtbl), challenge, prove, verify, enroll};

void on_load(Host host) {
  if (sodium_init() < 0) throw Error(TP_ERR_INTERNAL, "libsodium failed to initialise");
  std::optional<auth::Verifier> permanent;
  if (const std::string verifier = host.config_string("verifier").value_or(""); !verifier.empty()) {
    permanent = auth::parse_verifier(verifier);
    if (!permanent)
      throw Error(TP_ERR_INVALID_ARGUMENT, "the configured verifier is not one `telepane password hash` made");
  }
  State& s = host.make_data<State>();  // after every check: a failed load keeps no state (on_unload won't run)
  s.permanent = permanent;
  s.one_time_enabled = host.config_bool("one_time").value_or(true);
  s.one_time_length = std::size_t(host.config_int("one_time_length").value_or(8));
  s.max_failures = uint32_t(host.config_int("max_failures").value_or(3));
  s.cost.mem_mib = uint32_t(host.config_int("memory_mib").value_or(64));
  {
    std::lock_guard lock(s.mu);
    s.rotate(host);
  }
  s.refresh = host.subscribe(kRefreshTopic, [raw = host.raw()](std::string_view, std::string_view) {
    State& st = state(raw);
    std::lock_guard lock(st.mu);
    st.rotate(Host(raw));
  });
}

void on_unload(Host host) {
  host.free_data<State>();
}

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.auth.password", {0, 1, 0})
      .description("Permanent and one-time passwords: Argon2id verifiers, proofs bound to the session")
      .schema(kSchema)
      .feature(TP_KIND_AUTH, "password", 10, &kVtable)
      .on_load(on_load)
      .on_unload(on_unload);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
