#include "window.hpp"

#include "app_model.hpp"
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

// GLFW callbacks reach the window's objects through its user pointer; ImGui's backend, installed after these,
// calls them before its own handling.
struct Input {
  RemoteView* view = nullptr;
};

void key_cb(GLFWwindow* w, int key, int, int action, int) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  in->view->on_key(key, action, ImGui::GetCurrentContext() != nullptr && ImGui::GetIO().WantTextInput);
}
void button_cb(GLFWwindow* w, int button, int action, int) {
  auto* in = static_cast<Input*>(glfwGetWindowUserPointer(w));
  double x = 0, y = 0;
  glfwGetCursorPos(w, &x, &y);
  in->view->on_move(x, y);
  in->view->on_button(button, action);
}
void move_cb(GLFWwindow* w, double x, double y) {
  static_cast<Input*>(glfwGetWindowUserPointer(w))->view->on_move(x, y);
}
void scroll_cb(GLFWwindow* w, double dx, double dy) {
  static_cast<Input*>(glfwGetWindowUserPointer(w))->view->on_scroll(dx, dy);
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
  Input input{&view};
  glfwSetWindowUserPointer(window, &input);
  glfwSetKeyCallback(window, key_cb);
  glfwSetMouseButtonCallback(window, button_cb);
  glfwSetCursorPosCallback(window, move_cb);
  glfwSetScrollCallback(window, scroll_cb);

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
  ImGui_ImplOpenGL3_Init("#version 330 core");
  struct Shutdown {
    ~Shutdown() {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
    }
  } shutdown;

  UiState ui;
  std::string last_state;
  uint64_t clipboard_applied = 0;
  std::string local_clipboard;
  double clipboard_checked = 0;
  int busy_frames = 2;
  while (!glfwWindowShouldClose(window) && !shared.quit.load()) {
    if (busy_frames > 0) {
      glfwPollEvents();
    } else {
      glfwWaitEventsTimeout(0.5);  // input, a picture or an app event wakes it sooner
    }
    busy_frames = std::max(0, busy_frames - 1);
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
      last_state = state;
      busy_frames = 2;
    }
    if (view.upload()) busy_frames = std::max(busy_frames, 1);
    // Clipboard sync while connected: the host's copies become ours, ours (checked each second) go to the host.
    if (state == "connected" && ui.clipboard_sync && m.viewer.get("message").find("clipboard") != std::string::npos) {
      if (m.clipboard_serial != clipboard_applied) {
        clipboard_applied = m.clipboard_serial;
        local_clipboard = m.clipboard_in;
        glfwSetClipboardString(window, m.clipboard_in.c_str());
      } else if (now - clipboard_checked > 1.0 && glfwGetWindowAttrib(window, GLFW_FOCUSED)) {
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
    ImGui::NewFrame();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin(
        "Telepane", nullptr,
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
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
    if (!m.questions.empty()) busy_frames = std::max(busy_frames, 1);  // the countdown moves
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(window);
    view.shown(now_ns(), glfwGetTime());
  }

  const auto& st = view.stats();
  if (st.shown > 0) {
    char line[256];
    const double span = st.last_at - st.first_at;
    std::snprintf(line, sizeof line,
                  "window: %llu pictures drawn over %.1f s (%.1f fps); decoded-to-swapped p50 %.1f ms, p95 %.1f ms, "
                  "p99 %.1f ms; %llu replaced before they were drawn",
                  static_cast<unsigned long long>(st.shown), span, span > 0 ? double(st.shown - 1) / span : 0.0,
                  percentile(st.delay_ms, 0.5), percentile(st.delay_ms, 0.95), percentile(st.delay_ms, 0.99),
                  static_cast<unsigned long long>(shared.slot.dropped()));
    host.info(line);
  }
  return 0;
}

}  // namespace telepane::frontend
