// A complete session start in memory: suite offer and choice, the Noise NK (or IK) handshake through the crypto
// plugin, and the first sealed message each way, against the floor of the same asymmetric work done bare with
// libsodium (the four X25519 operations an NK handshake needs). No network: this isolates what Telepane adds.
//
//   handshake_bench [--runs R] [--iterations N]
#include "../common/bench_plugins.hpp"
#include "../common/bench_support.hpp"

#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/secure_session.hpp>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

using namespace telepane::core;
using namespace telepane::core::session;
using clock_type = std::chrono::steady_clock;

namespace {
using namespace telepane::bench;

// One session start, viewer and host in one thread; returns microseconds.
double session_start(const plugins::FeatureRef& suite, const Key32& host_priv, const Key32& host_pub,
                     const Key32& viewer_priv) {
  std::deque<std::pair<bool, Bytes>> wire;
  const auto t0 = clock_type::now();
  auto check = [&](const Key32& k) {
    if (k != host_pub) throw SessionError("key mismatch");
  };
  SecureSession viewer({true, {suite}, viewer_priv, check}, [&](Bytes b) { wire.emplace_back(true, std::move(b)); });
  SecureSession host({false, {suite}, host_priv, {}}, [&](Bytes b) { wire.emplace_back(false, std::move(b)); });
  for (auto* s : {&viewer, &host}) s->open_channel(1, {Priority::Control});
  viewer.start();
  auto pump = [&] {
    while (!wire.empty()) {
      auto [to_host, bytes] = std::move(wire.front());
      wire.pop_front();
      (to_host ? host : viewer).receive(bytes);
    }
  };
  pump();
  viewer.send(1, Bytes{'h', 'i'});
  viewer.flush();
  host.send(1, Bytes{'h', 'o'});
  host.flush();
  pump();
  if (!viewer.established() || !host.established()) std::exit(3);
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
}

double bare_x25519(const Key32& host_priv, const Key32& host_pub) {
  const auto t0 = clock_type::now();
  uint8_t ve[32], vep[32], he[32], hep[32], out[32];
  randombytes_buf(ve, 32);
  crypto_scalarmult_base(vep, ve);
  randombytes_buf(he, 32);
  crypto_scalarmult_base(hep, he);
  if (crypto_scalarmult(out, ve, host_pub.data()) != 0) std::exit(3);    // es, viewer
  if (crypto_scalarmult(out, host_priv.data(), vep) != 0) std::exit(3);  // es, host
  if (crypto_scalarmult(out, ve, hep) != 0) std::exit(3);                // ee, viewer
  if (crypto_scalarmult(out, he, vep) != 0) std::exit(3);                // ee, host
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  int runs = 5, iterations = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--iterations") == 0) iterations = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0) return 2;
  telepane::bench::BenchPlugins loaded(TELEPANE_PLUGIN_DIR);
  auto& manager = loaded.manager;
  Key32 host_priv{}, host_pub{}, viewer_priv{};
  randombytes_buf(host_priv.data(), 32);
  crypto_scalarmult_base(host_pub.data(), host_priv.data());
  randombytes_buf(viewer_priv.data(), 32);

  std::printf("session start in memory (offer, choice, handshake, one message each way), median of %d runs of %d\n",
              runs, iterations);
  for (const char* name :
       {"Noise_NK_25519_AESGCM_SHA256", "Noise_NK_25519_ChaChaPoly_BLAKE2b", "Noise_IK_25519_AESGCM_SHA256"}) {
    auto suite = manager.feature(TP_KIND_CRYPTO, name);
    if (!suite) return 2;
    std::vector<double> ours, floor;
    for (int r = 0; r < runs; ++r) {
      std::vector<double> a, b;
      for (int i = 0; i < iterations; ++i) {
        a.push_back(session_start(*suite, host_priv, host_pub, viewer_priv));
        b.push_back(bare_x25519(host_priv, host_pub));
      }
      ours.push_back(median(a));
      floor.push_back(median(b));
    }
    std::printf("  %-34s %8.1f us   bare 4x X25519 %6.1f us   ratio %.2fx\n", name, median(ours), median(floor),
                median(ours) / median(floor));
  }
  return 0;
}
