// The ABI's shape, pinned: a change to any size or offset below breaks every plugin already built, so it must
// be a deliberate new major (or an append with a new minor, which moves only sizes, never offsets).
#include <telepane/abi/telepane.h>

#include <catch2/catch.hpp>

#include <cstddef>

static_assert(sizeof(void*) == 8, "these layout checks describe LP64 targets");

static_assert(sizeof(tp_error) == TP_ERROR_MESSAGE_MAX);
static_assert(sizeof(tp_bytes) == 16 && offsetof(tp_bytes, size) == 8);
static_assert(sizeof(tp_version) == 12);
static_assert(sizeof(tp_kind) == 4 && sizeof(tp_log_level) == 4 && sizeof(tp_pixel_format) == 4);

static_assert(offsetof(tp_plugin_desc, struct_size) == 0);
static_assert(offsetof(tp_plugin_desc, abi_major) == 4 && offsetof(tp_plugin_desc, abi_minor) == 6);
static_assert(offsetof(tp_plugin_desc, id) == 8);
static_assert(offsetof(tp_plugin_desc, version) == 16);
static_assert(offsetof(tp_plugin_desc, description) == 32);
static_assert(offsetof(tp_plugin_desc, flags) == 40);
static_assert(offsetof(tp_plugin_desc, dependencies) == 48);
static_assert(offsetof(tp_plugin_desc, features) == 64);
static_assert(offsetof(tp_plugin_desc, config_schema) == 80);
static_assert(offsetof(tp_plugin_desc, on_load) == 88 && offsetof(tp_plugin_desc, on_unload) == 96);
static_assert(sizeof(tp_plugin_desc) == 104);

static_assert(sizeof(tp_dependency) == 40 && offsetof(tp_dependency, id) == 8 && offsetof(tp_dependency, min) == 16);
static_assert(sizeof(tp_feature) == 32 && offsetof(tp_feature, name) == 8 && offsetof(tp_feature, rank) == 16 &&
              offsetof(tp_feature, vtable) == 24);

static_assert(offsetof(tp_host, ctx) == 8 && offsetof(tp_host, log) == 16);
static_assert(offsetof(tp_host, post) == 16 + 8 * 10);
static_assert(offsetof(tp_host, set_plugin_data) == 104 && sizeof(tp_host) == 120);

static_assert(sizeof(tp_rect) == 16);
static_assert(offsetof(tp_frame, planes) == 16 && offsetof(tp_frame, strides) == 40 &&
              offsetof(tp_frame, pts_us) == 56);
static_assert(offsetof(tp_frame, damage) == 72 && sizeof(tp_frame) == 88);
static_assert(offsetof(tp_packet, data) == 8 && offsetof(tp_packet, keyframe) == 40 && sizeof(tp_packet) == 56);
static_assert(sizeof(tp_video_params) == 24 && sizeof(tp_capture_params) == 20);

// ABI 1.0 ended the capture vtable at destroy (40 bytes); 1.1 appended cursor.
static_assert(offsetof(tp_capture_vtbl, probe) == 8 && offsetof(tp_capture_vtbl, cursor) == 40 &&
              sizeof(tp_capture_vtbl) == 48);
static_assert(offsetof(tp_cursor, shape_serial) == 16 && offsetof(tp_cursor, pixels) == 40 && sizeof(tp_cursor) == 48);
static_assert(offsetof(tp_recorder_params, path) == 8 && sizeof(tp_recorder_params) == 32);
static_assert(offsetof(tp_recorder_vtbl, supports) == 16 && sizeof(tp_recorder_vtbl) == 56);
static_assert(offsetof(tp_encoder_vtbl, input_format) == 4 && offsetof(tp_encoder_vtbl, probe) == 8);
static_assert(sizeof(tp_encoder_vtbl) == 56);
static_assert(offsetof(tp_decoder_vtbl, output_format) == 4 && sizeof(tp_decoder_vtbl) == 32);
// ABI 1.2 ended the transport vtable at peer_address (72 bytes); 1.3 appended punch_open and punch.
static_assert(offsetof(tp_transport_vtbl, flags) == 4 && offsetof(tp_transport_vtbl, punch_open) == 72 &&
              sizeof(tp_transport_vtbl) == 88);
static_assert(sizeof(tp_crypto_vtbl) == 88 && offsetof(tp_crypto_vtbl, handshake_next) == 80);
static_assert(sizeof(tp_auth_vtbl) == 40 && offsetof(tp_auth_vtbl, verify) == 24);
static_assert(offsetof(tp_service_vtbl, capability) == 8 && offsetof(tp_service_vtbl, priority) == 16);
static_assert(sizeof(tp_service_vtbl) == 48);
// ABI 1.1 ended the frontend vtable at request_quit (24 bytes); 1.2 appended present.
static_assert(offsetof(tp_frontend_vtbl, request_quit) == 16 && offsetof(tp_frontend_vtbl, present) == 24 &&
              sizeof(tp_frontend_vtbl) == 32);
static_assert(sizeof(tp_registry_vtbl) == 40 && sizeof(tp_peer_record) == 144);

TEST_CASE("enums keep 0 as INVALID so a zeroed struct never looks valid") {
  CHECK(TP_KIND_INVALID == 0);
  CHECK(TP_LOG_INVALID == 0);
  CHECK(TP_PIXEL_FORMAT_INVALID == 0);
  CHECK(TP_DEPENDENCY_INVALID == 0);
  CHECK(TP_ROLE_INVALID == 0);
  CHECK(TP_HANDSHAKE_INVALID == 0);
  CHECK(TP_AUTH_INVALID == 0);
  CHECK(TP_PRIORITY_INVALID == 0);
  CHECK(TP_OK == 0);
}
