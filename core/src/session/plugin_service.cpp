#include <telepane/abi/tp_service.h>
#include <telepane/core/session/session_service.hpp>

namespace telepane::core::session {
namespace {

Priority priority_of(tp_priority p) {
  return p >= TP_PRIORITY_INPUT && p <= TP_PRIORITY_BULK ? static_cast<Priority>(p) : Priority::Control;
}

// One plugin service object in one session. The tp_session_api it was handed points at this object, so it stays
// put (heap-allocated by the spec) until the plugin's destroy() has returned.
class PluginService final : public SessionService {
 public:
  PluginService(const plugins::FeatureRef& feature, ServiceEndpoint& endpoint)
      : library_(feature.library), vt_(feature.vtable<tp_service_vtbl>()), endpoint_(endpoint) {
    api_ = {sizeof(tp_session_api), this, endpoint.is_host() ? 1u : 0u,
            [](void* ctx, tp_bytes m) -> tp_status {
              static_cast<PluginService*>(ctx)->endpoint_.send(Bytes(m.data, m.data + m.size));
              return TP_OK;
            },
            [](void* ctx, const char* reason) {
              static_cast<PluginService*>(ctx)->endpoint_.close(reason != nullptr ? reason : "closed");
            }};
    tp_error err{};
    if (vt_->create(feature.host, &api_, &object_, &err) != TP_OK) throw ServiceError(err.message);
  }
  ~PluginService() override { vt_->destroy(object_); }
  PluginService(const PluginService&) = delete;
  PluginService& operator=(const PluginService&) = delete;

  void on_message(ByteView message) override {
    tp_error err{};
    if (vt_->on_message(object_, {message.data(), message.size()}, &err) != TP_OK) throw ServiceError(err.message);
  }

 private:
  std::shared_ptr<plugins::Library> library_;  // first member: the code stays loaded until the object is gone
  const tp_service_vtbl* vt_;
  ServiceEndpoint& endpoint_;
  tp_session_api api_{};
  tp_service* object_ = nullptr;
};

}  // namespace

ServiceSpec plugin_service(const plugins::FeatureRef& feature) {
  const auto* vt = feature.vtable<tp_service_vtbl>();
  ChannelPolicy policy{priority_of(vt->priority)};
  return {vt->capability, policy, [feature](ServiceEndpoint& endpoint) -> std::unique_ptr<SessionService> {
            return std::make_unique<PluginService>(feature, endpoint);
          }};
}

}  // namespace telepane::core::session
