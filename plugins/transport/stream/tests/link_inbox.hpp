// What the transport plugin tests share: the plugin under test's vtable (linked into the test), the plugin loaded
// into a fake host, and an inbox that collects what a link reports, for the test thread to wait on.
#pragma once

#include <telepane/abi/tp_plugin.h>
#include <telepane/abi/tp_transport.h>
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace telepane::test {
using namespace std::chrono_literals;
inline const tp_transport_vtbl* vt() {
  return static_cast<const tp_transport_vtbl*>(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->features[0].vtable);
}

// The plugin under test, loaded with `settings` (integer settings by name) and unloaded at the end.
struct LoadedPlugin {
  telepane::fakes::FakeHost host;
  explicit LoadedPlugin(std::initializer_list<std::pair<const char*, int64_t>> settings = {}) {
    for (auto& [name, value] : settings) host.set_config(name, value);
    tp_error err{};
    REQUIRE(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->on_load(host.table(), &err) == TP_OK);
  }
  ~LoadedPlugin() { tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->on_unload(host.table()); }
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;
};

struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::string data;
  bool closed = false;
  tp_status why = TP_OK;
  std::string reason;
  tp_link_events events() {
    return {sizeof(tp_link_events), this,
            [](void* u, tp_bytes b) {
              auto* in = static_cast<Inbox*>(u);
              std::lock_guard l(in->mu);
              in->data.append(reinterpret_cast<const char*>(b.data), b.size);
              in->cv.notify_all();
            },
            [](void* u, tp_status status, const char* text) {
              auto* in = static_cast<Inbox*>(u);
              std::lock_guard l(in->mu);
              in->closed = true;
              in->why = status;
              in->reason = text;
              in->cv.notify_all();
            }};
  }
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock l(mu);
    return cv.wait_for(l, 20s, [&] { return pred(*this); });
  }
};

// Sends all of `data`, in pieces the link's send limit admits, backing off while it says "try again".
inline void send_all(tp_link* link, const std::string& data) {
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t n = std::min<std::size_t>(60000, data.size() - at);
    tp_error err{};
    const tp_status s = vt()->send(link, {reinterpret_cast<const uint8_t*>(data.data() + at), n}, &err);
    if (s == TP_ERR_AGAIN) {
      std::this_thread::sleep_for(5ms);
      continue;
    }
    REQUIRE(s == TP_OK);
    at += n;
  }
}

// `n` bytes that no framing or compression mistake can turn into each other.
inline std::string random_bytes(std::size_t n) {
  std::mt19937 rng(42);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

}  // namespace telepane::test
