// Drives the plugin's real entry point and vtables on the SDK's fake host.
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <cstring>
#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace {
const tp_feature* find_feature(const tp_plugin_desc* d, tp_kind kind) {
  for (uint32_t i = 0; i < d->feature_count; ++i)
    if (d->features[i].kind == kind) return &d->features[i];
  return nullptr;
}
}  // namespace

TEST_CASE("the descriptor names the plugin and its codec") {
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  REQUIRE(d != nullptr);
  CHECK(std::string(d->id) == PLUGIN_ID);
  CHECK(d->abi_major == TP_ABI_MAJOR);
  REQUIRE(find_feature(d, TP_KIND_ENCODER) != nullptr);
  REQUIRE(find_feature(d, TP_KIND_DECODER) != nullptr);
  CHECK(std::string(find_feature(d, TP_KIND_ENCODER)->name) == PLUGIN_NAME);
}

TEST_CASE("a frame survives encode and decode unchanged") {
  telepane::fakes::FakeHost host;
  host.set_config("key", int64_t{7});
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  auto* enc = static_cast<const tp_encoder_vtbl*>(find_feature(d, TP_KIND_ENCODER)->vtable);
  auto* dec = static_cast<const tp_decoder_vtbl*>(find_feature(d, TP_KIND_DECODER)->vtable);

  tp_video_params params{sizeof(tp_video_params), 64, 32, 30, 0, enc->input_format};
  tp_error err{};
  REQUIRE(enc->probe(host.table(), &params, &err) == TP_OK);

  telepane::sdk::FrameBuffer frame(TP_PIXEL_FORMAT_BGRA, 64, 32);
  for (std::size_t i = 0; i < frame.bytes().size(); ++i) frame.bytes()[i] = uint8_t(i * 31);

  tp_encoder* e = nullptr;
  REQUIRE(enc->create(host.table(), &params, &e, &err) == TP_OK);
  std::vector<uint8_t> packet;
  tp_packet_sink psink{&packet, [](void* u, const tp_packet* p) -> tp_status {
                         static_cast<std::vector<uint8_t>*>(u)->assign(p->data, p->data + p->size);
                         return TP_OK;
                       }};
  tp_frame view = frame.view();
  REQUIRE(enc->encode(e, &view, &psink, &err) == TP_OK);
  enc->destroy(e);

  tp_decoder* dc = nullptr;
  REQUIRE(dec->create(host.table(), &params, &dc, &err) == TP_OK);
  std::vector<uint8_t> pixels;
  tp_frame_sink fsink{&pixels, [](void* u, const tp_frame* f) -> tp_status {
                        static_cast<std::vector<uint8_t>*>(u)->assign(f->planes[0],
                                                                      f->planes[0] + f->strides[0] * f->height);
                        return TP_OK;
                      }};
  tp_packet p{sizeof(tp_packet), packet.data(), packet.size(), 0, 0, 1, 64, 32};
  REQUIRE(dec->decode(dc, &p, &fsink, &err) == TP_OK);
  CHECK(pixels == frame.bytes());

  SECTION("a truncated packet is refused with a message, not a crash") {
    p.size = packet.size() - 1;
    CHECK(dec->decode(dc, &p, &fsink, &err) == TP_ERR_PROTOCOL);
    CHECK(std::string(err.message) == "packet size does not match its header");
  }
  dec->destroy(dc);
}
