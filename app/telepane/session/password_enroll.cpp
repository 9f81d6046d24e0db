#include "session/password_enroll.hpp"

#include <telepane/abi/tp_auth.h>

#include <stdexcept>

namespace telepane::app {

Enrolled enroll_password(core::Runtime& rt, const std::string& password) {
  const auto feature = rt.plugins().feature(TP_KIND_AUTH, "password");
  if (!feature) throw std::runtime_error("no 'password' auth method is loaded (see telepane plugins list)");
  const auto* vt = feature->vtable<tp_auth_vtbl>();
  std::string out(512, '\0');
  size_t len = 0;
  tp_error err{};
  if (vt->enroll(feature->host, {reinterpret_cast<const uint8_t*>(password.data()), password.size()}, out.data(),
                 out.size(), &len, &err) != TP_OK)
    throw std::runtime_error(err.message);
  out.resize(len);
  return {feature->plugin->id, out};
}

}  // namespace telepane::app
