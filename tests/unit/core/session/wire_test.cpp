#include <catch2/catch.hpp>
#include <telepane/core/session/wire.hpp>

using namespace telepane::core::session;

namespace {
Bytes bytes(std::size_t n, uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i * 31);
  return b;
}
}  // namespace

TEST_CASE("frames survive being split at every byte boundary") {
  const Bytes a = bytes(16, 1), b = bytes(1000, 2), c = bytes(65535, 3);
  Bytes stream;
  for (const Bytes* m : {&a, &b, &c}) {
    const Bytes f = frame(*m);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (std::size_t chunk : {std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(4096), stream.size()}) {
    INFO("chunks of " << chunk);
    FrameReader r;
    std::vector<Bytes> got;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      r.feed(ByteView(stream).subspan(at, std::min(chunk, stream.size() - at)));
      while (auto m = r.next()) got.push_back(std::move(*m));
    }
    REQUIRE(got.size() == 3);
    CHECK(got[0] == a);
    CHECK(got[1] == b);
    CHECK(got[2] == c);
    CHECK(r.buffered() == 0);
  }
}

TEST_CASE("a frame too short to be sealed is refused as soon as its length arrives") {
  FrameReader r;
  CHECK_THROWS_WITH(r.feed(Bytes{0x00, 0x05}), "frame of 5 bytes: shorter than a sealed message");
  CHECK_THROWS_AS(frame(bytes(65536, 0)), WireError);
  CHECK_THROWS_AS(frame(bytes(3, 0)), WireError);
}

TEST_CASE("records carry channel and last flag - malformed ones are refused") {
  const Record r = decode_record(encode_record(0x1234, true, bytes(5, 9)));
  CHECK(r.channel == 0x1234);
  CHECK(r.last);
  CHECK(r.payload == bytes(5, 9));
  CHECK_THROWS_WITH(decode_record(Bytes{0, 1}), "record shorter than its 3-byte header");
  CHECK_THROWS_WITH(decode_record(Bytes{0, 1, 0x80}), "record with unknown flags 128");
  CHECK_THROWS_AS(encode_record(1, true, bytes(kMaxRecordPayload + 1, 0)), WireError);
}
