#include "remote_view.hpp"

#include <telepane/sdk/input_events.hpp>

#include "keymap.hpp"

#include <GL/gl.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>

namespace telepane::frontend {
using sdk::app::Fields;

namespace {
void make_texture(unsigned& id) {
  if (id != 0) return;
  glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

ImTextureID as_id(unsigned texture) {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture));
}

struct Combo {
  const char* name;
  std::vector<uint32_t> keys;
};
const Combo kCombos[] = {
    {"Ctrl+Alt+Del", {0xffe3, 0xffe9, 0xffff}},
    {"Alt+Tab", {0xffe9, 0xff09}},
    {"Alt+F4", {0xffe9, 0xffc1}},
    {"Super (Windows key)", {0xffeb}},
    {"Print Screen", {0xff61}},
    {"Ctrl+Esc", {0xffe3, 0xff1b}},
    {"Ctrl+Alt+Backspace", {0xffe3, 0xffe9, 0xff08}},
};
}  // namespace

RemoteView::~RemoteView() {
  if (texture_ != 0) glDeleteTextures(1, &texture_);
  if (cursor_texture_ != 0) glDeleteTextures(1, &cursor_texture_);
}

bool RemoteView::upload() {
  if (!slot_.take(picture_)) return false;
  make_texture(texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  if (picture_.width != tex_w_ || picture_.height != tex_h_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, GLsizei(picture_.width), GLsizei(picture_.height), 0, GL_RGBA,
                 GL_UNSIGNED_BYTE, picture_.rgba.data());
    tex_w_ = picture_.width;
    tex_h_ = picture_.height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, GLsizei(picture_.width), GLsizei(picture_.height), GL_RGBA,
                    GL_UNSIGNED_BYTE, picture_.rgba.data());
  }
  // Scaled to the drawn size already: sampled texel for pixel, nothing to filter.
  const bool nearest = picture_.width != picture_.src_width;
  if (nearest != nearest_) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, nearest ? GL_NEAREST : GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, nearest ? GL_NEAREST : GL_LINEAR);
    nearest_ = nearest;
  }
  src_w_ = picture_.src_width;
  src_h_ = picture_.src_height;
  pending_shown_ = true;
  return true;
}

void RemoteView::shown(int64_t now_ns, double now) {
  if (!pending_shown_) return;
  pending_shown_ = false;
  if (stats_.shown == 0) stats_.first_at = now;
  ++stats_.shown;
  stats_.last_at = now;
  if (stats_.delay_ms.size() < 1'000'000) stats_.delay_ms.push_back(double(now_ns - picture_.arrived_ns) / 1e6);
}

void RemoteView::release_all() {
  for (auto it = held_keys_.rbegin(); it != held_keys_.rend(); ++it) send(sdk::input::Key{*it, false});
  held_keys_.clear();
  for (auto b : held_buttons_) send(sdk::input::Button{b, false});
  held_buttons_.clear();
}

void RemoteView::reset() {
  release_all();
  slot_.clear();
  tex_w_ = tex_h_ = src_w_ = src_h_ = 0;
  slot_.set_draw_size(0, 0);
  active_ = accepts_input_ = hovered_ = image_hovered_ = false;
}

void RemoteView::send(const sdk::input::Event& e) {
  const auto bytes = sdk::input::encode(e);
  app_.publish_raw(sdk::app::kInputSend, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool RemoteView::to_remote(double x, double y, int32_t& rx, int32_t& ry) const {
  if (img_w_ <= 0 || img_h_ <= 0 || src_w_ == 0) return false;
  const double u = (x - img_x_) / img_w_, v = (y - img_y_) / img_h_;
  if (u < 0 || v < 0 || u >= 1 || v >= 1) return false;
  rx = int32_t(u * src_w_);
  ry = int32_t(v * src_h_);
  return true;
}

void RemoteView::on_move(double x, double y) {
  int32_t rx = 0, ry = 0;
  hovered_ = to_remote(x, y, rx, ry);
  if (!accepts_input_ || !hovered_ || (rx == last_x_ && ry == last_y_)) return;
  last_x_ = rx;
  last_y_ = ry;
  send(sdk::input::PointerMove{rx, ry});
}

void RemoteView::on_button(int button, int action) {
  const uint8_t b = button == GLFW_MOUSE_BUTTON_LEFT     ? 1
                    : button == GLFW_MOUSE_BUTTON_MIDDLE ? 2
                    : button == GLFW_MOUSE_BUTTON_RIGHT  ? 3
                    : button == GLFW_MOUSE_BUTTON_4      ? 8
                    : button == GLFW_MOUSE_BUTTON_5      ? 9
                                                         : 0;
  if (b == 0) return;
  const auto held = std::find(held_buttons_.begin(), held_buttons_.end(), b);
  if (action != GLFW_PRESS) {  // a release of what the host holds goes through, wherever the pointer went
    if (held == held_buttons_.end()) return;
    held_buttons_.erase(held);
    send(sdk::input::Button{b, false});
    return;
  }
  // A press only on the picture itself: not on a menu, prompt or the stats over it.
  if (!accepts_input_ || !hovered_ || !image_hovered_ || held != held_buttons_.end()) return;
  if (last_x_ >= 0) send(sdk::input::PointerMove{last_x_, last_y_});  // the press lands where the pointer is
  held_buttons_.push_back(b);
  send(sdk::input::Button{b, true});
}

void RemoteView::on_scroll(double dx, double dy) {
  if (!accepts_input_ || !hovered_ || !image_hovered_) return;
  const auto clamp = [](double v) { return int16_t(std::clamp(v, -100.0, 100.0)); };
  send(sdk::input::Wheel{clamp(dx), clamp(-dy)});  // GLFW: positive dy scrolls up
}

void RemoteView::on_key(int key, int action, bool text_input_active) {
  if (action == GLFW_REPEAT) return;
  const uint32_t keysym = keysym_for_glfw_key(key);
  if (keysym == 0) return;
  const auto held = std::find(held_keys_.begin(), held_keys_.end(), keysym);
  if (action != GLFW_PRESS) {              // the release of a key the host holds always goes
    if (held == held_keys_.end()) return;  // pressed before the view had the keyboard
    held_keys_.erase(held);
    send(sdk::input::Key{keysym, false});
    return;
  }
  if (!accepts_input_ || text_input_active || held != held_keys_.end()) return;
  held_keys_.push_back(keysym);
  send(sdk::input::Key{keysym, true});
}

void RemoteView::send_combo(const std::vector<uint32_t>& keysyms) {
  for (auto k : keysyms) send(sdk::input::Key{k, true});
  for (auto it = keysyms.rbegin(); it != keysyms.rend(); ++it) send(sdk::input::Key{*it, false});
}

void RemoteView::draw(const Model& m, UiState& ui) {
  const std::string state = m.viewer.get("state");
  active_ = state == "connected";
  const std::string caps = m.viewer.get("message");
  const bool input_granted = active_ && caps.find("input") != std::string::npos;

  // Toolbar
  if (ImGui::Button("Disconnect")) app_.publish(sdk::app::kViewerClose, Fields());
  ImGui::SameLine();
  ImGui::Checkbox("Fit", &ui.fit);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(80);
  ImGui::InputInt("##display", &ui.display);
  ui.display = std::clamp(ui.display, 0, 15);
  ImGui::SameLine();
  if (ImGui::Button("Show display")) app_.publish(sdk::app::kViewerDisplay, Fields().set("index", ui.display));
  ImGui::SameLine();
  // The stream: frame rate, quality (the bitrate range) and codec, changed on the host without reconnecting.
  if (ImGui::Button("Stream")) ImGui::OpenPopup("stream");
  if (ImGui::BeginPopup("stream")) {
    ImGui::TextDisabled("Frame rate");
    for (int fps : {15, 30, 60})
      if (ImGui::MenuItem((std::to_string(fps) + " fps").c_str()))
        app_.publish(sdk::app::kViewerStream, Fields().set("max_fps", fps));
    ImGui::Separator();
    ImGui::TextDisabled("Quality");
    for (const char* q : {"low", "balanced", "high"})
      if (ImGui::MenuItem(q)) app_.publish(sdk::app::kViewerStream, Fields().set("quality", q));
    ImGui::Separator();
    ImGui::TextDisabled("Codec (now %s)", m.stats.get("codec", "-").c_str());
    const std::string codecs = m.viewer.get("codecs");
    for (std::size_t pos = 0; pos < codecs.size();) {
      const std::size_t comma = std::min(codecs.find(',', pos), codecs.size());
      const std::string c = codecs.substr(pos, comma - pos);
      if (ImGui::MenuItem(c.c_str(), nullptr, c == m.stats.get("codec")))
        app_.publish(sdk::app::kViewerStream, Fields().set("codec", c));
      pos = comma + 1;
    }
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Keys")) ImGui::OpenPopup("keys");
  if (ImGui::BeginPopup("keys")) {
    for (const auto& c : kCombos)
      if (ImGui::MenuItem(c.name, nullptr, false, input_granted && !ui.view_only)) send_combo(c.keys);
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!input_granted);
  ImGui::Checkbox("View only", &ui.view_only);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::Checkbox("Clipboard", &ui.clipboard_sync);
  ImGui::SameLine();
  if (ImGui::Checkbox("Chat", &ui.show_chat) && ui.show_chat) ui.focus_chat = true;
  ImGui::SameLine();
  ImGui::Checkbox("Stats", &ui.show_stats);
  ImGui::SameLine();
  ImGui::TextDisabled("%s  %s", m.viewer.get("peer").c_str(), m.viewer.get("path").c_str());

  const bool accepted = input_granted && !ui.view_only;
  if (accepts_input_ && !accepted) release_all();
  accepts_input_ = accepted;
  if (!active_) {
    ImGui::Spacing();
    ImGui::Text("%s %s ...", state == "waiting" ? "Waiting for the person at" : "Connecting to",
                m.viewer.get("peer").c_str());
    if (!m.viewer.get("message").empty()) ImGui::TextWrapped("%s", m.viewer.get("message").c_str());
    img_w_ = img_h_ = 0;
    return;
  }

  // The picture
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("remote", ImVec2(avail.x, std::max(1.0f, avail.y - (ui.show_chat ? 110 : 0))), false,
                    ui.fit ? ImGuiWindowFlags_NoScrollbar : ImGuiWindowFlags_HorizontalScrollbar);
  if (tex_w_ == 0) {
    ImGui::TextDisabled("waiting for the first picture");
    img_w_ = img_h_ = 0;
    image_hovered_ = false;
  } else {
    const ImVec2 region = ImGui::GetContentRegionAvail();
    float w = float(src_w_), h = float(src_h_);
    if (ui.fit) {
      const float s = std::max(0.0f, std::min(region.x / w, region.y / h));  // a window too small: nothing drawn
      w *= s;
      h *= s;
      ImGui::SetCursorPos(
          ImVec2(ImGui::GetCursorPosX() + (region.x - w) / 2, ImGui::GetCursorPosY() + (region.y - h) / 2));
    }
    const ImVec2 at = ImGui::GetCursorScreenPos();
    // The picture is opaque: drawn without blending, which spares a read of every pixel under it (with a software
    // rasteriser that is most of a frame's cost).
    ImGui::GetWindowDrawList()->AddCallback([](const ImDrawList*, const ImDrawCmd*) { glDisable(GL_BLEND); }, nullptr);
    ImGui::Image(as_id(texture_), ImVec2(w, h));
    ImGui::GetWindowDrawList()->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    image_hovered_ = ImGui::IsItemHovered();
    // The next pictures arrive at this size (fit) or their own (1:1).
    slot_.set_draw_size(ui.fit ? uint32_t(w) : 0, ui.fit ? uint32_t(h) : 0);
    img_x_ = at.x;
    img_y_ = at.y;
    img_w_ = w;
    img_h_ = h;
    // The host's pointer, where the host says it is, in the host's shape.
    if (m.cursor.serial != cursor_serial_ && !m.cursor.rgba.empty()) {
      make_texture(cursor_texture_);
      glBindTexture(GL_TEXTURE_2D, cursor_texture_);
      glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, GLsizei(m.cursor.w), GLsizei(m.cursor.h), 0, GL_RGBA, GL_UNSIGNED_BYTE,
                   m.cursor.rgba.data());
      cursor_serial_ = m.cursor.serial;
    }
    if (m.cursor_visible && cursor_serial_ != 0) {
      const float sx = w / float(src_w_), sy = h / float(src_h_);
      const ImVec2 p0(at.x + (float(m.cursor_x) - float(m.cursor.hot_x)) * sx,
                      at.y + (float(m.cursor_y) - float(m.cursor.hot_y)) * sy);
      ImGui::GetWindowDrawList()->AddImage(as_id(cursor_texture_), p0,
                                           ImVec2(p0.x + float(m.cursor.w) * sx, p0.y + float(m.cursor.h) * sy));
    }
    if (hovered_ && accepts_input_) ImGui::SetMouseCursor(ImGuiMouseCursor_None);  // the host's pointer is drawn
  }
  if (ui.show_stats) {
    // Top right, over the picture: out of the way of the menus and windows most desktops keep top left.
    ImGui::SetCursorPos(ImVec2(std::max(0.0f, ImGui::GetWindowWidth() - 330), 10));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.05f, 0.05f, 0.07f, 0.85f));
    ImGui::BeginChild("stats", ImVec2(320, 100), true, ImGuiWindowFlags_NoScrollbar);
    const double window_fps = stats_.shown > 1 && stats_.last_at > stats_.first_at
                                  ? double(stats_.shown - 1) / (stats_.last_at - stats_.first_at)
                                  : 0;
    ImGui::Text("%s %sx%s  %s fps received, %.0f drawn", m.stats.get("codec").c_str(), m.stats.get("width").c_str(),
                m.stats.get("height").c_str(), m.stats.get("fps", "-").c_str(), window_fps);
    ImGui::Text("%s Mbit/s", m.stats.get("mbps", "-").c_str());
    ImGui::Text("latency p50 %s ms, p95 %s ms", m.stats.get("p50_ms", "-").c_str(), m.stats.get("p95_ms", "-").c_str());
    const std::string path = m.viewer.get("path");
    ImGui::Text("path: %s", path.rfind("relay", 0) == 0
                                ? ("relay (" + path.substr(6) + ")").c_str()
                                : ("direct (" + (path.size() > 7 ? path.substr(7) : path) + ")").c_str());
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  ImGui::EndChild();

  if (ui.show_chat) {
    ImGui::BeginChild("chat", ImVec2(0, 80), true);
    for (const auto& line : m.chat) ImGui::TextUnformatted(line.c_str());
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-80);
    if (std::exchange(ui.focus_chat, false)) ImGui::SetKeyboardFocusHere();
    const bool entered =
        ImGui::InputTextWithHint("##chat", "message", &ui.chat_line, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Send") || entered) {
      if (!ui.chat_line.empty()) {
        app_.publish_raw(sdk::app::kChatSend, ui.chat_line);
        app_.add_chat(ui.chat_line);
        ui.chat_line.clear();
        ui.focus_chat = true;  // Enter let go of the box: keep typing there
      }
    }
  }
}

}  // namespace telepane::frontend
