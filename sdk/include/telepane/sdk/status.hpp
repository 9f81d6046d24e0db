// Telepane SDK: errors on the C++ side of the boundary and the guard that turns them into a tp_status.
// Header-only C++17: plugin authors include this, never the core.
#pragma once

#include <telepane/abi/tp_types.h>

#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

namespace telepane::sdk {

// Throw this from plugin code to fail with a specific status; any other exception becomes TP_ERR_INTERNAL.
class Error : public std::runtime_error {
 public:
  Error(tp_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  tp_status status() const noexcept { return status_; }

 private:
  tp_status status_;
};

// Writes `message` into a caller-owned tp_error, truncating to fit. `err` may be null.
inline void set_error(tp_error* err, const char* message) noexcept {
  if (err == nullptr) return;
  if (message == nullptr) message = "";
  std::size_t n = std::strlen(message);
  if (n >= TP_ERROR_MESSAGE_MAX) n = TP_ERROR_MESSAGE_MAX - 1;
  std::memcpy(err->message, message, n);
  err->message[n] = '\0';
}

// The name of a status, for messages.
inline const char* status_name(tp_status s) noexcept {
  switch (s) {
    case TP_OK: return "ok";
    case TP_ERR_INVALID_ARGUMENT: return "invalid argument";
    case TP_ERR_UNSUPPORTED: return "unsupported";
    case TP_ERR_NOT_FOUND: return "not found";
    case TP_ERR_AGAIN: return "try again";
    case TP_ERR_TIMEOUT: return "timeout";
    case TP_ERR_NO_MEMORY: return "out of memory";
    case TP_ERR_IO: return "i/o error";
    case TP_ERR_PROTOCOL: return "protocol error";
    case TP_ERR_DENIED: return "denied";
    case TP_ERR_CLOSED: return "closed";
    case TP_ERR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

// Runs fn() and converts whatever it throws into a status plus a message in *err. Every function the SDK exports
// across the boundary goes through here, so no exception ever unwinds into the host.
template <class Fn>
tp_status guard(tp_error* err, Fn&& fn) noexcept {
  try {
    fn();
    return TP_OK;
  } catch (const Error& e) {
    set_error(err, e.what());
    return e.status() == TP_OK ? TP_ERR_INTERNAL : e.status();
  } catch (const std::bad_alloc&) {
    set_error(err, "out of memory");
    return TP_ERR_NO_MEMORY;
  } catch (const std::exception& e) {
    set_error(err, e.what());
    return TP_ERR_INTERNAL;
  } catch (...) {
    set_error(err, "unknown exception");
    return TP_ERR_INTERNAL;
  }
}

}  // namespace telepane::sdk
