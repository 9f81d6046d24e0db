// The window's screens, each drawn once per frame from a Model snapshot: home (this machine, connect, address
// book), the remote view, settings, and the host panel (incoming prompts and the sharing indicator) over all of
// them. State that lives across frames (typed text, toggles) is in UiState; only the main thread touches either.
#pragma once

#include "app_model.hpp"

#include <imgui.h>

#include <map>
#include <string>

namespace telepane::frontend {

struct UiState {
  int page = 0;  // 0 home, 1 settings
  std::string connect_id, password;
  bool ask_password = false, focus_password = false, focus_id = true;
  std::string seen_state;  // the viewer state last drawn: the password prompt opens when it turns to "password"
  bool show_otp = true;
  std::string permanent_password;
  std::string book_id, book_name, book_tags;
  // remote view
  bool fit = true, view_only = false, clipboard_sync = true, show_stats = true, show_chat = false;
  bool focus_chat = false;  // the chat box takes the keyboard when chat opens
  std::string chat_line;
  int display = 0;
  // host prompts: per question, per permission, granted or not
  std::map<int64_t, std::map<std::string, bool>> grants;
  // settings: text being edited, by "section/key"
  std::map<std::string, std::string> edits;
  std::string plugin_filter;
};

// Sends a setting as YAML text; strings and lists go as JSON, which is YAML.
void send_setting(AppModel& app, const std::string& section, const std::string& key, const std::string& yaml);

void draw_home(const Model& m, UiState& ui, AppModel& app);
void draw_settings(const Model& m, UiState& ui, AppModel& app);
// The incoming-connection prompts and, while anyone is connected to this machine, the indicator with its
// disconnect button. Drawn last, over every screen.
void draw_host_panel(const Model& m, UiState& ui, AppModel& app, double now);
// One plugin's or section's settings from its JSON Schema; no code knows any plugin.
void draw_schema_form(const std::string& section, const nlohmann::json& schema, const nlohmann::json& values,
                      const std::string& prefix, UiState& ui, AppModel& app);
void draw_notices(const Model& m, AppModel& app);

}  // namespace telepane::frontend
