// TCP stream links on Boost.Asio, shared by the tcp and relay transport plugins: one io thread per plugin (kept in
// its host table's plugin-data slot), bounded send queues, callbacks as tp_transport.h promises them. A link may
// carry a Gate: a hello sent first and a verdict read back before the owner sees any byte (the relay's admission).
#pragma once

#include <telepane/abi/tp_transport.h>
#include <telepane/sdk/host.hpp>

#include <boost/asio.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace telepane::transport {

// How long a link its owner closed may still take to deliver what was sent before the close (tp_transport.h,
// close_link), for the stream links and the udp plugin alike.
inline constexpr std::chrono::seconds kCloseLinger{3};

// The plugin's io thread, kept with its host table.
struct Io {
  boost::asio::io_context context;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(context);
  std::thread thread{[this] { context.run(); }};
  std::size_t send_limit = 8u << 20;
  std::chrono::milliseconds connect_timeout{10000};
  ~Io() {
    work.reset();
    context.stop();
    thread.join();
  }
  bool on_io_thread() const { return std::this_thread::get_id() == thread.get_id(); }
  // Runs fn on the io thread and waits; inline when already there.
  template <class Fn>
  void run_sync(Fn&& fn) {
    if (on_io_thread()) return fn();
    std::promise<void> done;
    boost::asio::post(context, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }
};

struct GateVerdict {
  enum State { Wait, Open, Refused } state = Wait;
  std::size_t consumed = 0;  // Open: bytes of the buffer that were the verdict; the rest is the owner's data
  std::string reason;        // Refused
};

struct Gate {
  std::vector<uint8_t> hello;
  // [io thread] Judges the bytes read so far; may throw to end the link as a protocol error.
  std::function<GateVerdict(const std::vector<uint8_t>& received)> check;
};

// The settings both plugins share (send_buffer_bytes, connect_timeout_ms), for their schemas.
#define TELEPANE_STREAM_SCHEMA_PROPERTIES                                                                             \
  "\"send_buffer_bytes\": {\"type\": \"integer\", \"minimum\": 65536, \"maximum\": 268435456, \"default\": 8388608, " \
  "\"description\": \"Bytes a link may queue unsent before send() says 'try again'\"},"                               \
  "\"connect_timeout_ms\": {\"type\": \"integer\", \"minimum\": 100, \"maximum\": 120000, \"default\": 10000, "       \
  "\"description\": \"How long a connection attempt may take\"}"

void load_io(sdk::Host host);    // on_load: starts the io thread with the plugin's settings
void unload_io(sdk::Host host);  // on_unload: joins it

// Starts connecting to "host:port"; throws sdk::Error on a malformed address. [control thread]
tp_link* connect_stream(const tp_host* h, const std::string& address, const tp_link_events& events,
                        std::optional<Gate> gate);
// The vtable functions (tp_transport.h documents each).
tp_status listen_stream(const tp_host* h, const char* address, void* user, void (*on_accept)(void*, tp_link*),
                        tp_listener** out, tp_error* err);
tp_status set_link_events(tp_link* link, const tp_link_events* events);
tp_status send_stream(tp_link* link, tp_bytes data, tp_error* err);
void close_link(tp_link* link);
void close_listener(tp_listener* listener);
tp_status listener_address(tp_listener* listener, char* buf, size_t cap, size_t* len);
tp_status link_peer_address(tp_link* link, char* buf, size_t cap, size_t* len);

}  // namespace telepane::transport
