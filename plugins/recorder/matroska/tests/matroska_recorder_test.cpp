// The recorder writes what ffprobe and ffmpeg read: VP9 packets (made by ffmpeg itself, from an IVF file) into
// .webm and .mkv; the container/codec pairs it cannot write are refused with a reason; packets before the first
// keyframe are left out; a file with no keyframe at all still finishes.
#include "av_muxer.hpp"

#include "shell.hpp"

#include <catch2/catch.hpp>
#include <telepane/sdk/status.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using telepane::recorder::AvMuxer;
using telepane::recorder::unsupported_reason;
using telepane::test::run;

namespace {
struct Ivf {
  std::vector<std::vector<uint8_t>> frames;
};

// ffmpeg's own VP9 of a test picture: 30 frames, one keyframe.
Ivf make_vp9(const fs::path& dir) {
  const auto ivf = dir / "in.ivf";
  run("ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=30 -frames:v 30 -c:v libvpx-vp9 -g 1000 " +
      ivf.string() + " 2>&1");
  std::ifstream in(ivf, std::ios::binary);
  std::vector<uint8_t> all((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(all.size() > 32);
  Ivf out;
  std::size_t at = 32;
  while (at + 12 <= all.size()) {
    const uint32_t n = all[at] | all[at + 1] << 8 | all[at + 2] << 16 | uint32_t(all[at + 3]) << 24;
    at += 12;
    REQUIRE(at + n <= all.size());
    out.frames.emplace_back(all.begin() + std::ptrdiff_t(at), all.begin() + std::ptrdiff_t(at + n));
    at += n;
  }
  return out;
}

tp_packet packet(const std::vector<uint8_t>& data, int64_t pts_us, bool key) {
  tp_packet p{};
  p.struct_size = sizeof p;
  p.data = data.data();
  p.size = data.size();
  p.pts_us = pts_us;
  p.keyframe = key ? 1 : 0;
  p.width = 320;
  p.height = 240;
  return p;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("tp-rec-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST_CASE("vp9 packets become a webm and an mkv that ffprobe reads frame by frame") {
  TempDir dir;
  const Ivf vp9 = make_vp9(dir.path);
  REQUIRE(vp9.frames.size() == 30);
  for (const std::string name : {"out.webm", "out.mkv"}) {
    INFO(name);
    const auto file = dir.path / name;
    {
      AvMuxer mux(file.string(), "vp9", 320, 240);
      mux.write(packet(vp9.frames[1], 0, false));  // before any keyframe: a player could not start here
      for (std::size_t i = 0; i < vp9.frames.size(); ++i)
        mux.write(packet(vp9.frames[i], int64_t(100'000 + i * 33'333), i == 0));
      mux.finish();
    }
    const auto probe =
        run("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
            "stream=codec_name,width,height,nb_read_frames -of csv=p=0 " +
            file.string());
    CHECK(probe == "vp9,320,240,30\n");
    const auto duration = run("ffprobe -v error -show_entries format=duration -of csv=p=0 " + file.string());
    CHECK(std::stod(duration) == Approx(1.0).margin(0.1));
  }
}

TEST_CASE("a container that cannot hold the codec, or an unknown extension, is refused with the reason") {
  CHECK(unsupported_reason("a.webm", "h264") == "webm holds vp8, vp9, not h264");
  CHECK(unsupported_reason("a.mkv", "h264").empty());
  CHECK(unsupported_reason("a.MP4", "h264").empty());
  CHECK(unsupported_reason("a.avi", "vp9") == "'a.avi' does not end in .webm, .mkv or .mp4");
  try {
    AvMuxer mux("x.webm", "h264", 320, 240);
    FAIL("accepted h264 in webm");
  } catch (const telepane::sdk::Error& e) {
    CHECK(e.status() == TP_ERR_UNSUPPORTED);
  }
  try {
    AvMuxer mux("/nonexistent-dir/x.webm", "vp9", 320, 240);
    FAIL("created a file in a missing directory");
  } catch (const telepane::sdk::Error& e) {
    CHECK(e.status() == TP_ERR_IO);
    CHECK(std::string(e.what()).find("/nonexistent-dir/x.webm") != std::string::npos);
  }
}

TEST_CASE("a recording that never saw a keyframe finishes without a crash") {
  TempDir dir;
  const std::vector<uint8_t> junk(100, 0x55);
  AvMuxer mux((dir.path / "empty.mkv").string(), "vp9", 320, 240);
  mux.write(packet(junk, 0, false));
  mux.finish();
  mux.finish();  // twice is harmless
}
