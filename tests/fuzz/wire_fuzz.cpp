// Fuzzes the session wire layer as a peer reaches it after decryption: stream framing, then records, then
// reassembly. Bad input must end in WireError, with bounded memory.
#include <telepane/core/session/multiplexer.hpp>

#include <cstdint>

using namespace telepane::core::session;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FrameReader reader;
  Demultiplexer demux;
  for (uint16_t ch = 0; ch < 4; ++ch) demux.open(ch, 1u << 16);
  try {
    // Feed in uneven pieces, as a socket would deliver them.
    std::size_t at = 0, step = 1;
    while (at < size) {
      const std::size_t n = std::min(step, size - at);
      reader.feed(ByteView(data + at, n));
      at += n;
      step = step * 3 + 1;
      while (auto frame = reader.next()) (void)demux.feed(decode_record(*frame));
    }
  } catch (const WireError&) {
  }
  return 0;
}
