// Fuzzes the raw codec's decoder through its real vtable: packets come from the network.
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <cstdint>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static telepane::fakes::FakeHost host;
  static const tp_decoder_vtbl* dec = [] {
    const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
    for (uint32_t i = 0; i < d->feature_count; ++i)
      if (d->features[i].kind == TP_KIND_DECODER) return static_cast<const tp_decoder_vtbl*>(d->features[i].vtable);
    return static_cast<const tp_decoder_vtbl*>(nullptr);
  }();
  tp_video_params params{sizeof(tp_video_params), 0, 0, 30, 0, TP_PIXEL_FORMAT_BGRA};
  tp_decoder* d = nullptr;
  tp_error err{};
  if (dec->create(host.table(), &params, &d, &err) != TP_OK) return 0;
  tp_frame_sink sink{nullptr, [](void*, const tp_frame* f) -> tp_status {
                       // Touch the last pixel: the decoder promised width*height*4 bytes.
                       volatile uint8_t last = f->planes[0][std::size_t(f->strides[0]) * f->height - 1];
                       (void)last;
                       return TP_OK;
                     }};
  tp_packet p{sizeof(tp_packet), data, size, 0, 0, 1, 0, 0};
  dec->decode(d, &p, &sink, &err);
  dec->destroy(d);
  return 0;
}
