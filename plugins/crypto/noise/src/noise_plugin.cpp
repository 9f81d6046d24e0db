// crypto plugin "noise": the Noise suites Telepane sessions run on, over libsodium.
//   Noise_NK_25519_AESGCM_SHA256       default: the viewer knows the host's static key; ephemerals on both sides
//   Noise_NK_25519_ChaChaPoly_BLAKE2b  where the CPU lacks AES-NI
//   Noise_IK_25519_AESGCM_SHA256       trusted devices: both static keys, no password
//   Noise_IK_25519_ChaChaPoly_BLAKE2b
// The plugin can never fix an ephemeral key: only the vector tests' own build of the sources can.
#include "handshake_state.hpp"

#include <telepane/abi/tp_crypto.h>
#include <telepane/sdk/sdk.hpp>

#include <cstring>

struct tp_handshake {
  explicit tp_handshake(telepane::noise::HandshakeConfig c) : state(std::move(c)) {}
  telepane::noise::HandshakeState state;
};
struct tp_cipher {
  explicit tp_cipher(telepane::noise::CipherState s) : state(std::move(s)) {}
  telepane::noise::CipherState state;
  bool broken = false;  // after a failed open(): a session never continues past a bad message
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::guard;
namespace noise = telepane::noise;

constexpr const char* kSuites[] = {"Noise_NK_25519_AESGCM_SHA256", "Noise_NK_25519_ChaChaPoly_BLAKE2b",
                                   "Noise_IK_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2b"};
constexpr std::size_t kMaxPlaintext = noise::kMaxMessage - noise::kTagLen;

noise::ByteView view(tp_bytes b) {
  return {b.data, b.data == nullptr ? 0 : b.size};
}

void copy_out(const noise::Bytes& data, uint8_t* out, size_t cap, size_t* len) {
  if (len != nullptr) *len = data.size();
  if (out == nullptr || cap < data.size())
    throw Error(TP_ERR_NO_MEMORY,
                "output buffer of " + std::to_string(cap) + " bytes, need " + std::to_string(data.size()));
  if (!data.empty()) std::memcpy(out, data.data(), data.size());  // memcpy from an empty vector's null is UB
}

// NoiseError is the peer's doing (a bad message) or a misuse; either way the caller gets a protocol error.
template <class Fn>
tp_status run(tp_error* err, Fn&& fn) {
  return guard(err, [&] {
    try {
      fn();
    } catch (const noise::NoiseError& e) {
      throw Error(TP_ERR_PROTOCOL, e.what());
    }
  });
}

template <std::size_t Suite>
tp_status handshake_create(const tp_host*, const tp_handshake_params* p, tp_handshake** out, tp_error* err) {
  return run(err, [&] {
    if (p == nullptr || out == nullptr || p->struct_size < sizeof(tp_handshake_params))
      throw Error(TP_ERR_INVALID_ARGUMENT, "malformed handshake params");
    std::string why;
    auto protocol = noise::parse_protocol(kSuites[Suite], &why);
    if (!protocol) throw Error(TP_ERR_INTERNAL, why);
    if (protocol->cipher == noise::CipherAlg::AesGcm && !noise::aes_gcm_available())
      throw Error(TP_ERR_UNSUPPORTED, std::string(kSuites[Suite]) + " needs AES-NI, which this CPU lacks");
    noise::HandshakeConfig c;
    c.protocol = *protocol;
    if (p->role != TP_ROLE_INITIATOR && p->role != TP_ROLE_RESPONDER) throw Error(TP_ERR_INVALID_ARGUMENT, "no role");
    c.role = p->role == TP_ROLE_INITIATOR ? noise::Role::Initiator : noise::Role::Responder;
    c.prologue.assign(view(p->prologue).begin(), view(p->prologue).end());
    if (p->local_private.size != 0) c.local_static = noise::keypair_from_private(view(p->local_private));
    if (p->remote_public.size != 0) {
      if (p->remote_public.size != noise::kDhLen) throw Error(TP_ERR_INVALID_ARGUMENT, "remote key is not 32 bytes");
      c.remote_static.emplace();
      std::memcpy(c.remote_static->data(), p->remote_public.data, noise::kDhLen);
    }
    auto hs = std::make_unique<tp_handshake>(std::move(c));
    *out = hs.release();
  });
}

tp_status handshake_write(tp_handshake* hs, tp_bytes payload, uint8_t* out, size_t cap, size_t* len, tp_error* err) {
  return run(err, [&] { copy_out(hs->state.write_message(view(payload)), out, cap, len); });
}

tp_status handshake_read(tp_handshake* hs, tp_bytes message, uint8_t* out, size_t cap, size_t* len, tp_error* err) {
  return run(err, [&] { copy_out(hs->state.read_message(view(message)), out, cap, len); });
}

tp_status handshake_finish(tp_handshake* hs, tp_cipher** send, tp_cipher** recv, uint8_t* hash, size_t hash_cap,
                           size_t* hash_len, uint8_t* remote, size_t remote_cap, size_t* remote_len, tp_error* err) {
  return run(err, [&] {
    if (send == nullptr || recv == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null cipher outputs");
    if (hash_cap < hs->state.handshake_hash().size()) throw Error(TP_ERR_NO_MEMORY, "hash buffer too small");
    if (remote != nullptr && remote_cap < noise::kDhLen) throw Error(TP_ERR_NO_MEMORY, "key buffer too small");
    noise::TransportPair t = hs->state.split();
    copy_out(t.handshake_hash, hash, hash_cap, hash_len);
    if (remote_len != nullptr) *remote_len = 0;
    if (t.remote_static && remote != nullptr)
      copy_out(noise::Bytes(t.remote_static->begin(), t.remote_static->end()), remote, remote_cap, remote_len);
    auto s = std::make_unique<tp_cipher>(std::move(t.send));
    auto r = std::make_unique<tp_cipher>(std::move(t.recv));
    *send = s.release();
    *recv = r.release();
  });
}

void handshake_destroy(tp_handshake* hs) {
  std::unique_ptr<tp_handshake>(hs).reset();
}

tp_status seal_message(tp_cipher* c, tp_bytes ad, tp_bytes plaintext, uint8_t* out, size_t cap, size_t* len,
                       tp_error* err) {
  return run(err, [&] {
    if (c->broken) throw Error(TP_ERR_CLOSED, "cipher unusable after an earlier failure");
    if (plaintext.size > kMaxPlaintext)
      throw Error(TP_ERR_INVALID_ARGUMENT, "plaintext over " + std::to_string(kMaxPlaintext) + " bytes");
    if (cap < plaintext.size + noise::kTagLen) {
      if (len != nullptr) *len = plaintext.size + noise::kTagLen;
      throw Error(TP_ERR_NO_MEMORY, "output buffer too small");
    }
    try {
      copy_out(c->state.encrypt_with_ad(view(ad), view(plaintext)), out, cap, len);
    } catch (const noise::NoiseError& e) {
      c->broken = true;
      throw Error(TP_ERR_CLOSED, e.what());  // the nonce is exhausted: this direction is over
    }
  });
}

tp_status open_message(tp_cipher* c, tp_bytes ad, tp_bytes sealed, uint8_t* out, size_t cap, size_t* len,
                       tp_error* err) {
  return run(err, [&] {
    if (c->broken) throw Error(TP_ERR_CLOSED, "cipher unusable after an earlier failure");
    if (sealed.size > noise::kMaxMessage) throw Error(TP_ERR_PROTOCOL, "sealed message over 65535 bytes");
    try {
      copy_out(c->state.decrypt_with_ad(view(ad), view(sealed)), out, cap, len);
    } catch (const noise::NoiseError&) {
      c->broken = true;
      throw;
    }
  });
}

tp_status rekey(tp_cipher* c) {
  return run(nullptr, [&] { c->state.rekey(); });
}

void cipher_destroy(tp_cipher* c) {
  std::unique_ptr<tp_cipher>(c).reset();
}

tp_handshake_next handshake_next(const tp_handshake* hs) {
  if (hs->state.failed()) return TP_HANDSHAKE_FAILED;
  if (hs->state.finished()) return TP_HANDSHAKE_DONE;
  return hs->state.my_turn() ? TP_HANDSHAKE_WRITE : TP_HANDSHAKE_READ;
}

template <std::size_t Suite>
const tp_crypto_vtbl* vtable() {
  static const tp_crypto_vtbl v = {sizeof(tp_crypto_vtbl),
                                   handshake_create<Suite>,
                                   handshake_write,
                                   handshake_read,
                                   handshake_finish,
                                   handshake_destroy,
                                   seal_message,
                                   open_message,
                                   rekey,
                                   cipher_destroy,
                                   handshake_next};
  return &v;
}

void on_load(telepane::sdk::Host host) {
  noise::init_sodium();
  if (!noise::aes_gcm_available())
    host.info("no AES-NI on this CPU: the AESGCM suites will refuse; ChaChaPoly_BLAKE2b serves instead");
}

telepane::sdk::PluginDef define() {
  // AES-GCM ranks first where the CPU accelerates it; the session offers both and the peers pick the best common.
  return telepane::sdk::PluginDef("org.telepane.crypto.noise", {0, 1, 0})
      .description("Noise NK and IK handshakes on X25519 with AES-GCM/SHA-256 or ChaCha20-Poly1305/BLAKE2b")
      .feature(TP_KIND_CRYPTO, kSuites[0], 20, vtable<0>())
      .feature(TP_KIND_CRYPTO, kSuites[1], 10, vtable<1>())
      .feature(TP_KIND_CRYPTO, kSuites[2], 20, vtable<2>())
      .feature(TP_KIND_CRYPTO, kSuites[3], 10, vtable<3>())
      .on_load(on_load);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
