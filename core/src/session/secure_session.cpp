#include <telepane/core/session/secure_session.hpp>

#include <telepane/abi/tp_crypto.h>

#include <sodium.h>

#include <cstring>

namespace telepane::core::session {
namespace {
// Pre-handshake messages (docs/protocol.md):
//   offer:  "TPN1" u8 count, count x (u8 length, suite name)     initiator -> responder
//   choice: "TPN1" u8 index into the offer (0xFF: "none") + the host's 32-byte static key   responder -> initiator
// Both go into the Noise prologue, so a man in the middle who edits either breaks the handshake.
constexpr uint8_t kMagic[4] = {'T', 'P', 'N', '1'};
constexpr std::size_t kMaxSuites = 16;
constexpr std::size_t kMaxSuiteName = 64;
constexpr uint8_t kNoCommonSuite = 0xFF;
constexpr std::size_t kMinPreHandshakeFrame = 5;
constexpr std::size_t kChoiceSize = 5 + 32;
constexpr const char* kPrologueLabel = "telepane/1\n";

bool has_magic(ByteView b) {
  return b.size() >= 4 && std::memcmp(b.data(), kMagic, 4) == 0;
}

Bytes encode_offer(const std::vector<plugins::FeatureRef>& suites) {
  Bytes out(kMagic, kMagic + 4);
  out.push_back(uint8_t(suites.size()));
  for (auto& s : suites) {
    out.push_back(uint8_t(s.feature->name.size()));
    out.insert(out.end(), s.feature->name.begin(), s.feature->name.end());
  }
  return out;
}

std::vector<std::string> decode_offer(ByteView b) {
  if (!has_magic(b) || b.size() < 5) throw SessionError("the peer does not speak Telepane's session protocol");
  const std::size_t count = b[4];
  if (count == 0 || count > kMaxSuites) throw SessionError("the peer offered " + std::to_string(count) + " suites");
  std::vector<std::string> names;
  std::size_t at = 5;
  for (std::size_t i = 0; i < count; ++i) {
    if (at >= b.size()) throw SessionError("the peer's suite offer is truncated");
    const std::size_t len = b[at++];
    if (len == 0 || len > kMaxSuiteName || at + len > b.size())
      throw SessionError("the peer's suite offer is malformed");
    names.emplace_back(reinterpret_cast<const char*>(b.data() + at), len);
    at += len;
  }
  if (at != b.size()) throw SessionError("the peer's suite offer has trailing bytes");
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

tp_bytes view(ByteView b) {
  return {b.data(), b.size()};
}

std::string message_of(const tp_error& err, tp_status s) {
  return err.message[0] != '\0' ? std::string(err.message) : "status " + std::to_string(s);
}

// A handshake or cipher object of the crypto plugin: destroyed through its vtable, pinning its library.
template <class Handle, void (*tp_crypto_vtbl::*Destroy)(Handle*)>
class CryptoObject {
 public:
  CryptoObject() = default;
  CryptoObject(std::shared_ptr<plugins::Library> lib, const tp_crypto_vtbl* vt, Handle* h)
      : lib_(std::move(lib)), vt_(vt), h_(h) {}
  CryptoObject(CryptoObject&& o) noexcept : lib_(std::move(o.lib_)), vt_(o.vt_), h_(std::exchange(o.h_, nullptr)) {}
  CryptoObject& operator=(CryptoObject&& o) noexcept {
    reset();
    lib_ = std::move(o.lib_);
    vt_ = o.vt_;
    h_ = std::exchange(o.h_, nullptr);
    return *this;
  }
  ~CryptoObject() { reset(); }
  Handle* get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }
  void reset() {
    if (h_ != nullptr) (vt_->*Destroy)(h_);
    h_ = nullptr;
    lib_.reset();
  }

 private:
  std::shared_ptr<plugins::Library> lib_;
  const tp_crypto_vtbl* vt_ = nullptr;
  Handle* h_ = nullptr;
};
using HandshakeObject = CryptoObject<tp_handshake, &tp_crypto_vtbl::handshake_destroy>;
using CipherObject = CryptoObject<tp_cipher, &tp_crypto_vtbl::cipher_destroy>;

enum class Phase { Idle, AwaitOffer, AwaitChoice, Handshaking, Established, Failed };
}  // namespace

struct SecureSession::State {
  SessionOptions options;
  Writer write;
  Phase phase = Phase::Idle;
  std::string failure;
  FrameReader reader{kMinPreHandshakeFrame};
  uint64_t frames_received = 0;
  Bytes prologue;
  std::optional<plugins::FeatureRef> suite;
  Key32 host_key{};    // initiator: the key the host announced and check_host_key accepted
  Key32 own_public{};  // responder: announced in the choice
  const tp_crypto_vtbl* vt = nullptr;
  HandshakeObject handshake;
  CipherObject send_cipher, recv_cipher;
  Multiplexer mux;
  Demultiplexer demux;

  [[noreturn]] void fail(const std::string& why) {
    phase = Phase::Failed;
    failure = why;
    handshake.reset();
    send_cipher.reset();
    recv_cipher.reset();
    throw SessionError(why);
  }

  void begin_handshake(const plugins::FeatureRef& chosen) {
    suite = chosen;
    vt = chosen.vtable<tp_crypto_vtbl>();
    tp_handshake_params p{};
    p.struct_size = sizeof p;
    p.role = options.initiator ? TP_ROLE_INITIATOR : TP_ROLE_RESPONDER;
    p.prologue = view(prologue);
    // Always offered: the suite's pattern decides whether it is used (IK sends it, NK's initiator does not), so the
    // engine needs no knowledge of pattern names.
    p.local_private = {options.local_private.data(), options.local_private.size()};
    if (options.initiator) p.remote_public = {host_key.data(), host_key.size()};
    tp_handshake* hs = nullptr;
    tp_error err{};
    if (tp_status s = vt->handshake_create(chosen.host, &p, &hs, &err); s != TP_OK)
      fail("cannot start the " + chosen.feature->name + " handshake: " + message_of(err, s));
    handshake = HandshakeObject(chosen.library, vt, hs);
    phase = Phase::Handshaking;
  }

  // Writes handshake messages while it is our turn; finishes when the pattern is complete.
  void advance(std::vector<SessionEvent>& events) {
    for (;;) {
      const tp_handshake_next next = vt->handshake_next(handshake.get());
      if (next == TP_HANDSHAKE_WRITE) {
        Bytes msg(kMaxNoiseMessage);
        std::size_t len = 0;
        tp_error err{};
        if (tp_status s = vt->handshake_write(handshake.get(), {nullptr, 0}, msg.data(), msg.size(), &len, &err); s)
          fail("handshake failed: " + message_of(err, s));
        msg.resize(len);
        write(frame(msg, 1));
        continue;
      }
      if (next == TP_HANDSHAKE_DONE) return finish(events);
      if (next == TP_HANDSHAKE_FAILED) fail("handshake failed");
      return;  // the peer's turn
    }
  }

  void finish(std::vector<SessionEvent>& events) {
    tp_cipher *s = nullptr, *r = nullptr;
    HandshakeDone done;
    done.suite = suite->feature->name;
    done.handshake_hash.resize(64);
    Key32 remote{};
    std::size_t hash_len = 0, remote_len = 0;
    tp_error err{};
    if (tp_status st =
            vt->handshake_finish(handshake.get(), &s, &r, done.handshake_hash.data(), done.handshake_hash.size(),
                                 &hash_len, remote.data(), remote.size(), &remote_len, &err);
        st != TP_OK)
      fail("handshake failed: " + message_of(err, st));
    send_cipher = CipherObject(suite->library, vt, s);
    recv_cipher = CipherObject(suite->library, vt, r);
    handshake.reset();
    done.handshake_hash.resize(hash_len);
    if (remote_len == remote.size()) done.remote_public = remote;
    reader.set_min_frame(kTagSize);
    phase = Phase::Established;
    events.emplace_back(std::move(done));
  }

  void on_frame(Bytes f, std::vector<SessionEvent>& events) {
    switch (phase) {
      case Phase::AwaitOffer: {
        const auto offered = decode_offer(f);
        std::size_t index = kNoCommonSuite;
        for (std::size_t i = 0; i < offered.size() && index == kNoCommonSuite; ++i)
          for (auto& mine : options.suites)
            if (mine.feature->name == offered[i]) index = i;
        if (index == kNoCommonSuite) {
          write(frame(Bytes{kMagic[0], kMagic[1], kMagic[2], kMagic[3], kNoCommonSuite}, 1));
          fail("no common crypto suite: the viewer offered " + join(offered) + "; this host has " +
               suite_list(options.suites));
        }
        Bytes choice{kMagic[0], kMagic[1], kMagic[2], kMagic[3], uint8_t(index)};
        choice.insert(choice.end(), own_public.begin(), own_public.end());
        prologue.insert(prologue.end(), f.begin(), f.end());
        prologue.insert(prologue.end(), choice.begin(), choice.end());
        write(frame(choice, 1));
        for (auto& mine : options.suites)
          if (mine.feature->name == offered[index]) begin_handshake(mine);
        return;
      }
      case Phase::AwaitChoice: {
        if (!has_magic(f) || f.size() < 5) fail("the host does not speak Telepane's session protocol");
        if (f[4] == kNoCommonSuite)
          fail("the host supports none of the offered suites (" + suite_list(options.suites) + ")");
        if (f.size() != kChoiceSize) fail("the host's answer is malformed");
        if (f[4] >= options.suites.size()) fail("the host chose a suite that was not offered");
        std::memcpy(host_key.data(), f.data() + 5, host_key.size());
        if (!options.check_host_key) fail("no way to check the host's key");
        try {
          options.check_host_key(host_key);
        } catch (const SessionError& e) {
          fail(e.what());
        }
        prologue.insert(prologue.end(), f.begin(), f.end());
        begin_handshake(options.suites[f[4]]);
        return advance(events);
      }
      case Phase::Handshaking: {
        Bytes payload(kMaxNoiseMessage);
        std::size_t len = 0;
        tp_error err{};
        if (vt->handshake_next(handshake.get()) != TP_HANDSHAKE_READ) fail("handshake message out of turn");
        if (tp_status s = vt->handshake_read(handshake.get(), view(f), payload.data(), payload.size(), &len, &err); s)
          fail("handshake failed: " + message_of(err, s));
        return advance(events);
      }
      case Phase::Established: {
        Bytes plain(f.size());
        std::size_t len = 0;
        tp_error err{};
        if (tp_status s = vt->open(recv_cipher.get(), {nullptr, 0}, view(f), plain.data(), plain.size(), &len, &err); s)
          fail("a message failed to open (" + message_of(err, s) + "); the session is closed");
        plain.resize(len);
        if (auto msg = demux.feed(decode_record(plain)))
          events.emplace_back(ChannelMessage{msg->first, std::move(msg->second)});
        return;
      }
      default: fail("data before the session started");
    }
  }
};

std::string suite_list(const std::vector<plugins::FeatureRef>& suites) {
  std::vector<std::string> names;
  for (auto& s : suites) names.push_back(s.feature->name);
  return join(names);
}

SecureSession::SecureSession(SessionOptions options, Writer write) : s_(std::make_unique<State>()) {
  if (options.suites.empty()) throw SessionError("no crypto suite available (is the noise plugin loaded?)");
  if (options.suites.size() > kMaxSuites) options.suites.resize(kMaxSuites);
  for (auto& s : options.suites)
    if (s.feature == nullptr || s.feature->kind != TP_KIND_CRYPTO || s.feature->name.size() > kMaxSuiteName)
      throw SessionError("not a crypto suite");
  s_->options = std::move(options);
  s_->write = std::move(write);
  s_->prologue.assign(kPrologueLabel, kPrologueLabel + std::strlen(kPrologueLabel));
  s_->phase = s_->options.initiator ? Phase::Idle : Phase::AwaitOffer;
  if (!s_->options.initiator) crypto_scalarmult_base(s_->own_public.data(), s_->options.local_private.data());
}

SecureSession::~SecureSession() = default;

void SecureSession::start() {
  if (!s_->options.initiator || s_->phase != Phase::Idle) return;
  const Bytes offer = encode_offer(s_->options.suites);
  s_->prologue.insert(s_->prologue.end(), offer.begin(), offer.end());
  s_->phase = Phase::AwaitChoice;
  s_->write(frame(offer, 1));
}

std::vector<SessionEvent> SecureSession::receive(ByteView bytes) {
  if (s_->phase == Phase::Failed) throw SessionError(s_->failure);
  std::vector<SessionEvent> events;
  try {
    s_->reader.feed(bytes);
    while (auto f = s_->reader.next()) {
      ++s_->frames_received;
      s_->on_frame(std::move(*f), events);
    }
  } catch (const WireError& e) {
    s_->fail(e.what());
  } catch (const SessionError& e) {
    if (s_->phase != Phase::Failed) s_->fail(e.what());  // thrown by a decoder: make it final
    throw;
  }
  return events;
}

void SecureSession::open_channel(uint16_t channel, ChannelPolicy policy) {
  s_->mux.open(channel, policy);
  s_->demux.open(channel, policy.max_message);
}

Multiplexer::Enqueue SecureSession::send(uint16_t channel, Bytes message) {
  if (s_->phase == Phase::Failed) throw SessionError(s_->failure);
  if (s_->phase != Phase::Established) throw SessionError("the session is not established yet");
  try {
    return s_->mux.enqueue(channel, std::move(message));
  } catch (const WireError& e) {
    throw SessionError(e.what());
  }
}

std::size_t SecureSession::flush(std::size_t max_records) {
  if (s_->phase == Phase::Failed) throw SessionError(s_->failure);
  if (s_->phase != Phase::Established) return 0;
  std::size_t n = 0;
  while (max_records == 0 || n < max_records) {
    auto record = s_->mux.next_record();
    if (!record) break;
    Bytes sealed(record->size() + kTagSize);
    std::size_t len = 0;
    tp_error err{};
    if (tp_status st =
            s_->vt->seal(s_->send_cipher.get(), {nullptr, 0}, view(*record), sealed.data(), sealed.size(), &len, &err);
        st != TP_OK)
      s_->fail("cannot seal: " + message_of(err, st));
    sealed.resize(len);
    s_->write(frame(sealed));
    ++n;
  }
  return n;
}

uint64_t SecureSession::frames_received() const {
  return s_->frames_received;
}

void SecureSession::reset_partial_frame() {
  s_->reader = FrameReader(s_->phase == Phase::Established ? kTagSize : kMinPreHandshakeFrame);
}

bool SecureSession::established() const {
  return s_->phase == Phase::Established;
}

}  // namespace telepane::core::session
