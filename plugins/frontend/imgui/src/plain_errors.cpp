#include "plain_errors.hpp"

namespace telepane::frontend {

namespace {
bool has(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}
}  // namespace

std::string plain_error(const std::string& state, const std::string& message) {
  if (state == "password") return "The host asks for a password: type the one-time password shown on the host.";
  if (has(message, "declined")) return "Denied: the person at the host declined the session.";
  if (has(message, "not registered"))
    return "No machine has this ID at your rendezvous server: check the ID. (" + message + ")";
  if (has(message, "is offline"))
    return "The host is offline: it is not connected to the rendezvous server now. (" + message + ")";
  if (has(message, "too many wrong passwords"))
    return "Too many wrong passwords: the host makes you wait. (" + message + ")";
  if (has(message, "wrong password")) return "Wrong password: check it on the host (it changes after each session).";
  if (has(message, "key mismatch"))
    return "Not connecting: the host's key is not the one expected, so this may not be the machine you mean. " +
           message;
  if (has(message, "relay is unreachable"))
    return "The relay server cannot be reached, and no direct path worked. (" + message + ")";
  if (has(message, "no path to host")) return "The host could not be reached by any path. (" + message + ")";
  if (has(message, "rendezvous server") &&
      (has(message, "refused") || has(message, "timed out") || has(message, "cannot")))
    return "The rendezvous server cannot be reached: check Settings > Rendezvous. (" + message + ")";
  return message;
}

}  // namespace telepane::frontend
