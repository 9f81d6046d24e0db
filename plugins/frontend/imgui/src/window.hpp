// The desktop window: GLFW + OpenGL 3.3 + Dear ImGui on the main thread. It sleeps until something happens (input,
// a new picture, an event from the application), so an idle window costs nothing.
#pragma once

#include "picture_slot.hpp"

#include <telepane/abi/tp_types.h>
#include <telepane/sdk/host.hpp>

#include <atomic>
#include <mutex>

namespace telepane::frontend {

// What the plugin keeps between its entry points (run, request_quit, present), in its host table's plugin data.
struct Shared {
  PictureSlot slot;
  std::atomic<bool> quit{false};
  std::mutex glfw_mu;  // glfwPostEmptyEvent is only valid between glfwInit and glfwTerminate
  bool glfw_alive = false;
  void wake();  // [any thread]
};

struct WindowOptions {
  int width = 1280, height = 800;
  float font_size = 16;
  bool vsync = false;
};

// Runs the window until it is closed or quit is set; returns the exit code, or throws sdk::Error naming why it
// could not open (no display, no OpenGL 3.3). [main thread]
int run_window(sdk::Host host, Shared& shared, const WindowOptions& options);

}  // namespace telepane::frontend
