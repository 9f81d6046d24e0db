// reference_pipeline: the minimal hand-built screen pipeline the screen benchmark compares Telepane with, in one
// process: XShmGetImage -> libyuv -> encoder -> AES-256-GCM -> TCP loopback -> decrypt -> decoder -> RGB.
// No damage tracking, no rate control, no session: a tick grabs, encodes and sends; the receiver decodes and
// measures capture-to-decoded latency on the same clock.
//   reference_pipeline --codec h264|vp9 --fps 60 --seconds 10      (on $DISPLAY)
// Prints: fps <decoded per second> p50 <ms> p95 <ms> p99 <ms> cpu <seconds of CPU per second>
#include "../common/bench_support.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <libyuv.h>
#include <sodium.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>
#include <x264.h>
extern "C" {
#include <libavcodec/avcodec.h>
}

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

bool write_all(int fd, const uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= std::size_t(w);
  }
  return true;
}
bool read_all(int fd, uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= std::size_t(r);
  }
  return true;
}

struct I420 {
  int w, h;
  std::vector<uint8_t> y, u, v;
  I420(int width, int height)
      : w(width), h(height), y(std::size_t(w) * h), u(std::size_t((w + 1) / 2) * ((h + 1) / 2)), v(u.size()) {}
};

// One encoder behind a common call: encode(picture) -> packets.
class Encoder {
 public:
  Encoder(const std::string& codec, int w, int h, int fps, int kbps) : codec_(codec) {
    if (codec == "h264") {
      x264_param_t p;
      x264_param_default_preset(&p, "ultrafast", "zerolatency");
      p.i_width = w;
      p.i_height = h;
      p.i_csp = X264_CSP_I420;
      p.i_threads = 2;
      p.b_sliced_threads = 1;
      p.i_fps_num = uint32_t(fps);
      p.i_fps_den = 1;
      p.i_keyint_max = X264_KEYINT_MAX_INFINITE;
      p.b_repeat_headers = 1;
      p.b_annexb = 1;
      p.i_log_level = X264_LOG_NONE;
      p.rc.i_rc_method = X264_RC_ABR;
      p.rc.i_bitrate = kbps;
      p.rc.i_vbv_max_bitrate = kbps;
      p.rc.i_vbv_buffer_size = kbps * 2 / fps + 1;
      x264_ = x264_encoder_open(&p);
    } else {
      vpx_codec_enc_cfg_t cfg;
      vpx_codec_enc_config_default(vpx_codec_vp9_cx(), &cfg, 0);
      cfg.g_w = unsigned(w);
      cfg.g_h = unsigned(h);
      cfg.g_timebase = {1, fps};
      cfg.g_threads = 2;
      cfg.g_lag_in_frames = 0;
      cfg.g_error_resilient = 0;
      cfg.rc_end_usage = VPX_CBR;
      cfg.rc_target_bitrate = unsigned(kbps);
      cfg.kf_mode = VPX_KF_DISABLED;
      vpx_codec_enc_init(&vpx_, vpx_codec_vp9_cx(), &cfg, 0);
      vpx_codec_control(&vpx_, VP8E_SET_CPUUSED, 8);
      vpx_codec_control(&vpx_, VP9E_SET_TUNE_CONTENT, VP9E_CONTENT_SCREEN);
      vpx_codec_control(&vpx_, VP9E_SET_ROW_MT, 1);
      vpx_codec_control(&vpx_, VP9E_SET_TILE_COLUMNS, 1);
      vpx_codec_control(&vpx_, VP9E_SET_AQ_MODE, 3);
    }
  }
  ~Encoder() {
    if (x264_ != nullptr) x264_encoder_close(x264_);
    if (codec_ != "h264") vpx_codec_destroy(&vpx_);
  }
  template <class Sink>
  void encode(I420& f, int64_t pts, Sink sink) {
    if (x264_ != nullptr) {
      x264_picture_t in, out;
      x264_picture_init(&in);
      in.img.i_csp = X264_CSP_I420;
      in.img.i_plane = 3;
      in.img.plane[0] = f.y.data();
      in.img.plane[1] = f.u.data();
      in.img.plane[2] = f.v.data();
      in.img.i_stride[0] = f.w;
      in.img.i_stride[1] = in.img.i_stride[2] = (f.w + 1) / 2;
      in.i_pts = pts;
      x264_nal_t* nals = nullptr;
      int count = 0;
      const int bytes = x264_encoder_encode(x264_, &nals, &count, &in, &out);
      if (bytes > 0) sink(nals[0].p_payload, std::size_t(bytes));
      return;
    }
    vpx_image_t img;
    vpx_img_wrap(&img, VPX_IMG_FMT_I420, unsigned(f.w), unsigned(f.h), 1, f.y.data());
    img.planes[1] = f.u.data();
    img.planes[2] = f.v.data();
    img.stride[0] = f.w;
    img.stride[1] = img.stride[2] = (f.w + 1) / 2;
    vpx_codec_encode(&vpx_, &img, pts, 1, 0, VPX_DL_REALTIME);
    vpx_codec_iter_t it = nullptr;
    while (const vpx_codec_cx_pkt_t* p = vpx_codec_get_cx_data(&vpx_, &it))
      if (p->kind == VPX_CODEC_CX_FRAME_PKT) sink(static_cast<const uint8_t*>(p->data.frame.buf), p->data.frame.sz);
  }

 private:
  std::string codec_;
  x264_t* x264_ = nullptr;
  vpx_codec_ctx_t vpx_{};
};

class Decoder {
 public:
  explicit Decoder(const std::string& codec) : codec_(codec) {
    if (codec == "h264") {
      const AVCodec* c = avcodec_find_decoder(AV_CODEC_ID_H264);
      av_ = avcodec_alloc_context3(c);
      av_->flags |= AV_CODEC_FLAG_LOW_DELAY;
      avcodec_open2(av_, c, nullptr);
      frame_ = av_frame_alloc();
      pkt_ = av_packet_alloc();
    } else {
      vpx_codec_dec_cfg_t cfg{2, 0, 0};
      vpx_codec_dec_init(&vpx_, vpx_codec_vp9_dx(), &cfg, 0);
    }
  }
  ~Decoder() {
    if (av_ != nullptr) {
      avcodec_free_context(&av_);
      av_frame_free(&frame_);
      av_packet_free(&pkt_);
    } else {
      vpx_codec_destroy(&vpx_);
    }
  }
  // Decodes one packet into BGRA `rgb`; true when a picture came out.
  bool decode(const uint8_t* data, std::size_t size, std::vector<uint8_t>& rgb) {
    if (av_ != nullptr) {
      av_packet_unref(pkt_);
      av_new_packet(pkt_, int(size));
      std::memcpy(pkt_->data, data, size);
      if (avcodec_send_packet(av_, pkt_) < 0) return false;
      if (avcodec_receive_frame(av_, frame_) < 0) return false;
      rgb.resize(std::size_t(frame_->width) * frame_->height * 4);
      libyuv::I420ToARGB(frame_->data[0], frame_->linesize[0], frame_->data[1], frame_->linesize[1], frame_->data[2],
                         frame_->linesize[2], rgb.data(), frame_->width * 4, frame_->width, frame_->height);
      return true;
    }
    if (vpx_codec_decode(&vpx_, data, unsigned(size), nullptr, 0) != VPX_CODEC_OK) return false;
    vpx_codec_iter_t it = nullptr;
    bool got = false;
    while (vpx_image_t* img = vpx_codec_get_frame(&vpx_, &it)) {
      rgb.resize(std::size_t(img->d_w) * img->d_h * 4);
      libyuv::I420ToARGB(img->planes[0], img->stride[0], img->planes[1], img->stride[1], img->planes[2], img->stride[2],
                         rgb.data(), int(img->d_w) * 4, int(img->d_w), int(img->d_h));
      got = true;
    }
    return got;
  }

 private:
  std::string codec_;
  AVCodecContext* av_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* pkt_ = nullptr;
  vpx_codec_ctx_t vpx_{};
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  std::string codec = "h264";
  int fps = 60;
  double seconds = 10;
  int kbps = 8000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--codec") codec = argv[i + 1];
    if (a == "--fps") fps = std::atoi(argv[i + 1]);
    if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    if (a == "--kbps") kbps = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0 || !crypto_aead_aes256gcm_is_available()) {
    std::fprintf(stderr, "reference_pipeline: no AES-GCM here\n");
    return 2;
  }
  Display* d = XOpenDisplay(nullptr);
  if (d == nullptr) {
    std::fprintf(stderr, "reference_pipeline: cannot open the display\n");
    return 2;
  }
  const int scr = DefaultScreen(d);
  const int w = DisplayWidth(d, scr), h = DisplayHeight(d, scr);
  XShmSegmentInfo shm{};
  XImage* img = XShmCreateImage(d, DefaultVisual(d, scr), unsigned(DefaultDepth(d, scr)), ZPixmap, nullptr, &shm,
                                unsigned(w), unsigned(h));
  shm.shmid = shmget(IPC_PRIVATE, std::size_t(img->bytes_per_line) * h, IPC_CREAT | 0600);
  shm.shmaddr = img->data = static_cast<char*>(shmat(shm.shmid, nullptr, 0));
  shm.readOnly = False;
  XShmAttach(d, &shm);
  XSync(d, False);
  shmctl(shm.shmid, IPC_RMID, nullptr);

  uint16_t port = 0;
  const int listener = telepane::bench::listen_loopback(port);
  const int tx = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = telepane::bench::loopback(port);
  if (connect(tx, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 2;
  const int rx = accept(listener, nullptr, nullptr);
  const int one = 1;
  setsockopt(tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  uint8_t key[crypto_aead_aes256gcm_KEYBYTES];
  crypto_aead_aes256gcm_keygen(key);
  std::vector<double> latencies_ms;
  int decoded = 0;
  int64_t first_ns = 0, last_ns = 0;

  std::thread receiver([&] {
    Decoder dec(codec);
    std::vector<uint8_t> sealed, plain, rgb;
    uint64_t counter = 0;
    while (true) {
      uint8_t hdr[12];
      if (!read_all(rx, hdr, sizeof hdr)) break;
      uint32_t len = 0;
      int64_t captured = 0;
      std::memcpy(&len, hdr, 4);
      std::memcpy(&captured, hdr + 4, 8);
      sealed.resize(len);
      if (!read_all(rx, sealed.data(), len)) break;
      uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES] = {};
      std::memcpy(nonce, &counter, sizeof counter);
      ++counter;
      plain.resize(len);
      unsigned long long plain_len = 0;
      if (crypto_aead_aes256gcm_decrypt(plain.data(), &plain_len, nullptr, sealed.data(), len, hdr, sizeof hdr, nonce,
                                        key) != 0)
        break;
      if (dec.decode(plain.data(), std::size_t(plain_len), rgb)) {
        const int64_t t = now_ns();
        if (decoded++ == 0) first_ns = t;
        last_ns = t;
        latencies_ms.push_back(double(t - captured) / 1e6);
      }
    }
  });

  const double cpu0 = cpu_seconds();
  {
    Encoder enc(codec, w, h, fps, kbps);
    I420 pic(w, h);
    std::vector<uint8_t> sealed;
    uint64_t counter = 0;
    const auto interval = std::chrono::microseconds(1'000'000 / fps);
    const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto next = Clock::now();
    for (int64_t n = 0; Clock::now() < end; ++n) {
      std::this_thread::sleep_until(next);
      next += interval;
      const int64_t captured = now_ns();
      XShmGetImage(d, RootWindow(d, scr), img, 0, 0, AllPlanes);
      libyuv::ARGBToI420(reinterpret_cast<const uint8_t*>(img->data), img->bytes_per_line, pic.y.data(), w,
                         pic.u.data(), (w + 1) / 2, pic.v.data(), (w + 1) / 2, w, h);
      enc.encode(pic, n, [&](const uint8_t* data, std::size_t size) {
        uint8_t hdr[12];
        const auto len = uint32_t(size + crypto_aead_aes256gcm_ABYTES);
        std::memcpy(hdr, &len, 4);
        std::memcpy(hdr + 4, &captured, 8);
        uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES] = {};
        std::memcpy(nonce, &counter, sizeof counter);
        ++counter;
        sealed.resize(len);
        unsigned long long sealed_len = 0;
        crypto_aead_aes256gcm_encrypt(sealed.data(), &sealed_len, data, size, hdr, sizeof hdr, nullptr, nonce, key);
        write_all(tx, hdr, sizeof hdr);
        write_all(tx, sealed.data(), std::size_t(sealed_len));
      });
      if (Clock::now() > next) next = Clock::now();  // late: the next tick starts now, no catching up
    }
  }
  ::shutdown(tx, SHUT_WR);
  receiver.join();
  const double cpu = cpu_seconds() - cpu0;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto at = [&](double q) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(latencies_ms.size() - 1, std::size_t(q * double(latencies_ms.size())))];
  };
  const double span = double(last_ns - first_ns) / 1e9;
  std::printf("fps %.1f p50 %.1f p95 %.1f p99 %.1f cpu %.2f\n", decoded > 1 ? (decoded - 1) / span : 0.0, at(0.5),
              at(0.95), at(0.99), cpu / seconds);
  XShmDetach(d, &shm);
  shmdt(shm.shmaddr);
  img->data = nullptr;  // the segment was ours, not Xlib's to free
  XDestroyImage(img);
  XCloseDisplay(d);
  close(tx);
  close(rx);
  close(listener);
  return 0;
}
