// The remote view: the newest decoded picture as a GL texture (fit to the window, or 1:1 with scrolling), the
// host's pointer drawn from its cursor messages, a toolbar and the stats overlay. Mouse and keyboard reach the
// host through GLFW callbacks (not ImGui's per-frame state), so a press and release in one frame are both sent,
// in order, at the position they happened.
#pragma once

#include "picture_slot.hpp"
#include "ui.hpp"

#include <telepane/sdk/input_events.hpp>

#include <GLFW/glfw3.h>

#include <cstdint>
#include <vector>

namespace telepane::frontend {

// Pictures drawn by the window: what the "each decoded frame within one frame interval" is measured by.
struct PresentStats {
  uint64_t shown = 0;
  std::vector<double> delay_ms;      // present() finished -> the swap that showed it
  double first_at = 0, last_at = 0;  // window time of the first and last shown picture
};

class RemoteView {
 public:
  RemoteView(AppModel& app, PictureSlot& slot) : app_(app), slot_(slot) {}
  ~RemoteView();
  // Takes a newer picture into the texture when there is one; true when it did. [main thread, GL current]
  bool upload();
  void draw(const Model& m, UiState& ui);
  // After the frame that showed the picture was swapped. [main thread]
  void shown(int64_t now_ns, double now);
  const PresentStats& stats() const { return stats_; }
  void reset();        // a session ended
  void release_all();  // everything held on the host goes up (view only turned on, the window lost the session)

  // GLFW input, forwarded when the view has the pointer or the keyboard. [main thread]
  void on_key(int key, int action, bool text_input_active);
  void on_button(int button, int action);
  void on_move(double x, double y);
  void on_scroll(double dx, double dy);
  void send_combo(const std::vector<uint32_t>& keysyms);  // presses in order, releases in reverse

 private:
  bool to_remote(double x, double y, int32_t& rx, int32_t& ry) const;
  void send(const sdk::input::Event& e);

  AppModel& app_;
  PictureSlot& slot_;
  Picture picture_;
  unsigned texture_ = 0, cursor_texture_ = 0;
  uint32_t tex_w_ = 0, tex_h_ = 0;  // of the texture (maybe scaled down to the drawn size)
  uint32_t src_w_ = 0, src_h_ = 0;  // of the remote screen
  bool nearest_ = false;
  uint64_t cursor_serial_ = 0;
  bool pending_shown_ = false;
  // Where the picture was drawn last frame, in window pixels, and whether input goes to the host.
  float img_x_ = 0, img_y_ = 0, img_w_ = 0, img_h_ = 0;
  bool active_ = false, accepts_input_ = false, hovered_ = false;
  bool image_hovered_ = false;         // last frame, the picture itself had the pointer (no window or popup over it)
  std::vector<uint8_t> held_buttons_;  // pressed on the host: their release is sent wherever the pointer is
  int32_t last_x_ = -1, last_y_ = -1;
  std::vector<uint32_t> held_keys_;
  PresentStats stats_;
};

}  // namespace telepane::frontend
