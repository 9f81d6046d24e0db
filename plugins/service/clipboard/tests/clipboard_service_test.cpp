// The clipboard service through its vtable: on the host, against a private Xvfb where test code plays an
// application that copies and one that pastes; on the viewer, through the bus.
#include "xvfb.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <X11/Xatom.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

using telepane::test::Xvfb;

namespace {
const tp_service_vtbl* vt() {
  return static_cast<const tp_service_vtbl*>(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->features[0].vtable);
}

struct Sent {
  std::mutex mu;
  std::vector<std::string> messages;
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return messages;
  }
};

tp_session_api session(Sent& sent, bool is_host) {
  return {sizeof(tp_session_api), &sent, is_host ? 1u : 0u,
          [](void* ctx, tp_bytes m) -> tp_status {
            auto* s = static_cast<Sent*>(ctx);
            std::lock_guard lock(s->mu);
            s->messages.emplace_back(reinterpret_cast<const char*>(m.data), m.size);
            return TP_OK;
          },
          [](void*, const char*) {}};
}

std::string message(const std::string& text) {
  return std::string(1, '\x01') + text;
}

tp_status deliver(tp_service* svc, const std::string& msg) {
  tp_error err{};
  return vt()->on_message(svc, {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()}, &err);
}

// An application that pastes: asks the CLIPBOARD owner for UTF-8 text and waits for it.
std::string paste(const std::string& display) {
  Display* d = XOpenDisplay(display.c_str());
  REQUIRE(d != nullptr);
  Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
  const Atom clipboard = XInternAtom(d, "CLIPBOARD", False), utf8 = XInternAtom(d, "UTF8_STRING", False),
             prop = XInternAtom(d, "PASTED", False);
  XConvertSelection(d, clipboard, utf8, prop, w, CurrentTime);
  XFlush(d);
  std::string text;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < end) {
    if (XPending(d) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    XEvent e;
    XNextEvent(d, &e);
    if (e.type != SelectionNotify) continue;
    if (e.xselection.property != None) {
      Atom type = 0;
      int format = 0;
      unsigned long count = 0, after = 0;
      unsigned char* data = nullptr;
      XGetWindowProperty(d, w, prop, 0, 1 << 20, True, AnyPropertyType, &type, &format, &count, &after, &data);
      if (data) {
        text.assign(reinterpret_cast<char*>(data), count);
        XFree(data);
      }
    }
    break;
  }
  XCloseDisplay(d);
  return text;
}

// An application that copies: owns CLIPBOARD and serves `text` until stopped.
struct Copier {
  std::atomic<bool> stop{false};
  std::thread thread;
  Copier(const std::string& display, const std::string& text) {
    std::atomic<bool> owning{false};
    thread = std::thread([this, display, text, &owning] {
      Display* d = XOpenDisplay(display.c_str());
      Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
      const Atom clipboard = XInternAtom(d, "CLIPBOARD", False), utf8 = XInternAtom(d, "UTF8_STRING", False);
      XSetSelectionOwner(d, clipboard, w, CurrentTime);
      XFlush(d);
      owning = true;
      while (!stop) {
        if (XPending(d) == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        XEvent e;
        XNextEvent(d, &e);
        if (e.type != SelectionRequest) continue;
        const auto& req = e.xselectionrequest;
        XSelectionEvent reply{};
        reply.type = SelectionNotify;
        reply.requestor = req.requestor;
        reply.selection = req.selection;
        reply.target = req.target;
        reply.time = req.time;
        reply.property = None;
        if (req.target == utf8) {
          XChangeProperty(d, req.requestor, req.property, utf8, 8, PropModeReplace,
                          reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
          reply.property = req.property;
        }
        XSendEvent(d, req.requestor, False, 0, reinterpret_cast<XEvent*>(&reply));
        XFlush(d);
      }
      XCloseDisplay(d);
    });
    while (!owning) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Copier() {
    stop = true;
    thread.join();
  }
};

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}
}  // namespace

TEST_CASE("host: text from the viewer is what applications paste, and what they copy goes to the viewer") {
  Xvfb x;
  telepane::fakes::FakeHost host;
  host.set_config("display", x.display);
  Sent sent;
  const tp_session_api api = session(sent, true);
  tp_service* svc = nullptr;
  tp_error err{};
  REQUIRE(vt()->create(host.table(), &api, &svc, &err) == TP_OK);

  REQUIRE(deliver(svc, message("from the viewer: grüße")) == TP_OK);
  std::string pasted;
  REQUIRE(eventually([&] { return (pasted = paste(x.display)) == "from the viewer: grüße"; }));

  {
    Copier app(x.display, "copied on the host");
    REQUIRE(eventually([&] {
      auto m = sent.get();
      return !m.empty() && m.back() == message("copied on the host");
    }));
  }
  CHECK(sent.get().size() == 1);  // the viewer's own text was not echoed back
  vt()->destroy(svc);
}

TEST_CASE("viewer: the frontend's copies go out, the host's arrive on the bus, bad messages end the session") {
  telepane::fakes::FakeHost viewer;
  Sent sent;
  const tp_session_api api = session(sent, false);
  tp_service* svc = nullptr;
  tp_error err{};
  viewer.set_config("max_bytes", int64_t{64});
  REQUIRE(vt()->create(viewer.table(), &api, &svc, &err) == TP_OK);
  const std::string copied = "copied on the viewer";
  viewer.table()->publish(viewer.table(), "clipboard.send",
                          {reinterpret_cast<const uint8_t*>(copied.data()), copied.size()});
  const std::string big(100, 'x');  // over max_bytes: not sent
  viewer.table()->publish(viewer.table(), "clipboard.send", {reinterpret_cast<const uint8_t*>(big.data()), big.size()});
  CHECK(sent.get() == std::vector<std::string>{message(copied)});

  REQUIRE(deliver(svc, message("from the host")) == TP_OK);
  bool received = false;
  for (auto& e : viewer.published())
    received = received || (e.topic == "clipboard.received" && e.payload == "from the host");
  CHECK(received);
  CHECK(deliver(svc, message(big)) == TP_ERR_PROTOCOL);
  CHECK(deliver(svc, message("\xff\xfe")) == TP_ERR_PROTOCOL);
  CHECK(deliver(svc, std::string("\x02zz")) == TP_ERR_PROTOCOL);
  vt()->destroy(svc);
}
