#include "window.hpp"

#include "app_model.hpp"
#include "key_trickle.hpp"
#include "remote_view.hpp"
#include "ui.hpp"

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <GL/gl.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace telepane::frontend {

void Shared::wake() {
  std::lock_guard lock(glfw_mu);
  if (glfw_alive) glfwPostEmptyEvent();
}

namespace {
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// GLFW callbacks reach the window's objects through its user pointer. ImGui's backend, installed after the mouse
// callbacks, calls them before its own handling; the key and char callbacks are installed after the backend, in its
// place, and call it through the trickle (installed before it, the backend would call them and they it, forever).
struct Input {
  RemoteView* view = nullptr;
  KeyTrickle* keys = nullptr;
  bool seen = false;  // input arrived: ImGui settles it over one more frame (hover, release)
};

// Installed after ImGui's backend, in its place (and char_cb too): the remote desktop gets keys at once, ImGui at
// its frames' pace.
void key_cb(GLFWwindow* w, int key, int scancode, int action, int mods) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->seen = true;
  in->view->on_key(key, action, ImGui::GetCurrentContext() != nullptr && ImGui::GetIO().WantTextInput);
  in->keys->on_key({key, scancode, action, mods});
}
void button_cb(GLFWwindow* w, int button, int action, int) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->seen = true;
  double x = 0, y = 0;
  glfwGetCursorPos(w, &x, &y);
  in->view->on_move(x, y);
  in->view->on_button(button, action);
}
void move_cb(GLFWwindow* w, double x, double y) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->seen = true;
  in->view->on_move(x, y);
}
void char_cb(GLFWwindow* w, unsigned int c) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->seen = true;
  in->keys->on_char(c);
}
void refresh_cb(GLFWwindow* w) {
  static_cast<Input*>(glfwGetWindowUserPointer(w))->seen = true;
}
void size_cb(GLFWwindow* w, int, int) {
  static_cast<Input*>(glfwGetWindowUserPointer(w))->seen = true;
}
void scroll_cb(GLFWwindow* w, double dx, double dy) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->seen = true;
  in->view->on_scroll(dx, dy);
}

// Why the last GLFW call failed, in GLFW's words.
std::string glfw_error() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description != nullptr ? description : "unknown error";
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

bool in_session(const std::string& state) {
  return state == "connecting" || state == "waiting" || state == "connected";
}
}  // namespace

int run_window(sdk::Host host, Shared& shared, const WindowOptions& options) {
  if (!glfwInit()) throw sdk::Error(TP_ERR_UNSUPPORTED, "cannot open a window: " + glfw_error() + " (is DISPLAY set?)");
  struct Terminate {
    Shared& s;
    ~Terminate() {
      {
        std::lock_guard lock(s.glfw_mu);
        s.glfw_alive = false;
      }
      glfwTerminate();
    }
  } terminate{shared};
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "Telepane", nullptr, nullptr);
  if (window == nullptr) throw sdk::Error(TP_ERR_UNSUPPORTED, "cannot open a window with OpenGL 3.3: " + glfw_error());
  struct Destroy {
    GLFWwindow* w;
    ~Destroy() { glfwDestroyWindow(w); }
  } destroy{window};
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.vsync ? 1 : 0);
  {
    std::lock_guard lock(shared.glfw_mu);
    shared.glfw_alive = true;
  }

  AppModel app(host, [&shared] { shared.wake(); });
  RemoteView view(app, shared.slot);
  KeyTrickle keys(
      [window](const KeyChange& c) { ImGui_ImplGlfw_KeyCallback(window, c.key, c.scancode, c.action, c.mods); },
      [window](unsigned c) { ImGui_ImplGlfw_CharCallback(window, c); });
  Input input{&view, &keys};
  glfwSetWindowUserPointer(window, &input);
  glfwSetMouseButtonCallback(window, button_cb);
  glfwSetCursorPosCallback(window, move_cb);
  glfwSetScrollCallback(window, scroll_cb);
  glfwSetWindowRefreshCallback(window, refresh_cb);
  glfwSetFramebufferSizeCallback(window, size_cb);

  IMGUI_CHECKVERSION();
  ImGuiContext* context = ImGui::CreateContext();
  struct DestroyContext {
    ImGuiContext* c;
    ~DestroyContext() { ImGui::DestroyContext(c); }
  } destroy_context{context};
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not a file in the working directory
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 4;
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::error_code ec;
  if (std::filesystem::exists(font, ec)) io.Fonts->AddFontFromFileTTF(font, options.font_size);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  glfwSetKeyCallback(window, key_cb);  // in place of the backend's, which the trickle calls
  glfwSetCharCallback(window, char_cb);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  struct Shutdown {
    ~Shutdown() {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
    }
  } shutdown;

  UiState ui;
  struct {
    int64_t upload_ns = 0, draw_ns = 0, swap_ns = 0;
    uint64_t pictures = 0;
  } cost;  // where a drawn picture's time goes, reported at the end
  std::string last_state;
  uint64_t clipboard_applied = 0;
  std::string local_clipboard;
  double clipboard_checked = 0;
  // A frame is drawn when something changed: input or an event from the app (and one frame more: ImGui settles
  // input, and sizes a new window, over the next frame), a new picture, once a second while a viewer waits. Nothing
  // changing: nothing drawn. The wait is short while pictures may come: GLFW 3.3's glfwPostEmptyEvent, which
  // present() and the bus use to wake this loop, can be missed on X11 (its event may be read off the socket by
  // the posting thread), and a picture must not wait for the next input to be shown.
  int busy_frames = 3;
  uint64_t frames_drawn = 0;
  bool countdown = false, streaming = false;
  uint64_t drawn_version = ~uint64_t(0);
  double last_draw = 0;
  while (!glfwWindowShouldClose(window) && !shared.quit.load()) {
    bool draw = busy_frames > 0;
    if (busy_frames > 0) {
      glfwPollEvents();
      --busy_frames;
    } else {
      glfwWaitEventsTimeout(streaming ? 0.004 : 0.05);
    }
    if (std::exchange(input.seen, false)) {
      draw = true;
      busy_frames = std::max(busy_frames, 1);
    }
    const double tick = glfwGetTime();
    if (app.version() != drawn_version) {
      // A window that appears (a prompt, the sharing bar) is measured in its first frame and shown in the next.
      draw = true;
      busy_frames = std::max(busy_frames, 1);
    }
    draw = draw || shared.slot.fresh() || (countdown && tick - last_draw >= 1.0) || tick - last_draw >= 10.0;
    if (!draw) continue;
    drawn_version = app.version();
    last_draw = tick;
    const double now = glfwGetTime();
    const Model m = app.snapshot(now);
    const std::string state = m.viewer.get("state");
    if (state != last_state) {
      if (!in_session(state)) view.reset();
      if (state == "failed" || state == "closed") {  // back home: the ID box has the keyboard again
        ui.ask_password = false;
        ui.focus_id = true;
      }
      if (state == "connected") ui.view_only = false;
      streaming = in_session(state);
      last_state = state;
      busy_frames = 2;
    }
    const int64_t upload_start = now_ns();
    const bool new_picture = view.upload();
    if (new_picture) cost.upload_ns += now_ns() - upload_start;
    // Clipboard sync while connected: the host's copies become ours, ours (checked each second) go to the host.
    if (state == "connected" && ui.clipboard_sync && m.viewer.get("message").find("clipboard") != std::string::npos) {
      if (m.clipboard_serial != clipboard_applied) {
        clipboard_applied = m.clipboard_serial;
        local_clipboard = m.clipboard_in;
        glfwSetClipboardString(window, m.clipboard_in.c_str());
      } else if (now - clipboard_checked > 1.0 &&
                 (glfwGetWindowAttrib(window, GLFW_FOCUSED) || glfwGetWindowAttrib(window, GLFW_HOVERED))) {
        // Only while the person is at the window: reading the clipboard asks its owner, which may be slow.
        clipboard_checked = now;
        const char* text = glfwGetClipboardString(window);
        if (text != nullptr && local_clipboard != text) {
          local_clipboard = text;
          app.publish_raw(sdk::app::kClipboardSend, local_clipboard);
        }
      }
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // The backend reads the pointer only while the window has the keyboard focus; without a window manager (focus
    // follows the pointer) or with one that focuses on click, the pointer over the window is what counts.
    if (glfwGetWindowAttrib(window, GLFW_HOVERED)) {
      double mx = 0, my = 0;
      glfwGetCursorPos(window, &mx, &my);
      io.MousePos = ImVec2(float(mx), float(my));
    }
    if (keys.frame([] { ImGui::NewFrame(); })) busy_frames = std::max(busy_frames, 1);  // keys wait for the next
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("Telepane", nullptr,
                 // No background of its own: the clear colour is it (a software rasteriser would otherwise blend a
                 // full-window rectangle under the picture each frame).
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);
    if (in_session(state)) {
      view.draw(m, ui);
    } else {
      if (ImGui::BeginTabBar("pages")) {
        if (ImGui::BeginTabItem("Home")) {
          draw_home(m, ui, app);
          ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Settings")) {
          draw_settings(m, ui, app);
          ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
      }
    }
    ImGui::End();
    draw_host_panel(m, ui, app, now);
    draw_notices(m, app);
    countdown = !m.questions.empty();
    const int64_t draw_start = now_ns();
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    const int64_t swap_start = now_ns();
    glfwSwapBuffers(window);
    const int64_t swapped = now_ns();
    if (new_picture) {
      cost.draw_ns += swap_start - draw_start;
      cost.swap_ns += swapped - swap_start;
      ++cost.pictures;
    }
    view.shown(swapped, glfwGetTime());
    // The third frame: the home screen's ID box has the keyboard now (focus moves at the frame after it is asked).
    if (++frames_drawn == 3) app.publish(sdk::app::kWindowReady, sdk::app::Fields());
  }

  const auto& st = view.stats();
  if (st.shown > 0) {
    char line[384];
    const double span = st.last_at - st.first_at;
    std::snprintf(line, sizeof line,
                  "window: %llu pictures drawn over %.1f s (%.1f fps); decoded-to-swapped p50 %.1f ms, p95 %.1f ms, "
                  "p99 %.1f ms; %llu replaced before they were drawn; per picture: upload %.1f ms, draw %.1f ms, "
                  "swap %.1f ms",
                  static_cast<unsigned long long>(st.shown), span, span > 0 ? double(st.shown - 1) / span : 0.0,
                  percentile(st.delay_ms, 0.5), percentile(st.delay_ms, 0.95), percentile(st.delay_ms, 0.99),
                  static_cast<unsigned long long>(shared.slot.dropped()),
                  double(cost.upload_ns) / 1e6 / double(std::max<uint64_t>(cost.pictures, 1)),
                  double(cost.draw_ns) / 1e6 / double(std::max<uint64_t>(cost.pictures, 1)),
                  double(cost.swap_ns) / 1e6 / double(std::max<uint64_t>(cost.pictures, 1)));
    host.info(line);
  }
  return 0;
}

}  // namespace telepane::frontend
