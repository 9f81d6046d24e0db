// Home: this machine (ID, full ID, one-time password, permanent password, online state) and connecting to another
// (an ID box with a password prompt, recent sessions and the address book).
#include "plain_errors.hpp"
#include "ui.hpp"

#include <imgui_stdlib.h>

#include <ctime>
#include <utility>

namespace telepane::frontend {
using sdk::app::Fields;

namespace {
const ImVec4 kGreen(0.30f, 0.80f, 0.40f, 1.0f);
const ImVec4 kRed(0.95f, 0.35f, 0.30f, 1.0f);
const ImVec4 kGrey(0.65f, 0.65f, 0.65f, 1.0f);

void connect(UiState& ui, AppModel& app, const std::string& id, const std::string& password) {
  app.publish(sdk::app::kConnect, Fields().set("id", id).set("password", password));
  ui.connect_id = id;
  ui.ask_password = false;
  ui.password.clear();
}

void this_machine(const Model& m, UiState& ui, AppModel& app) {
  ImGui::TextColored(kGrey, "THIS MACHINE");
  ImGui::SetWindowFontScale(1.8f);
  ImGui::TextUnformatted(m.id.empty() ? "---------" : m.id.c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  if (ImGui::SmallButton("Copy ID")) ImGui::SetClipboardText(m.id.c_str());
  ImGui::TextColored(kGrey, "Full ID (ID and key fingerprint)");
  ImGui::TextWrapped("%s", m.full_id.c_str());
  if (ImGui::SmallButton("Copy full ID")) ImGui::SetClipboardText(m.full_id.c_str());
  ImGui::Spacing();
  ImGui::TextColored(kGrey, "One-time password");
  ImGui::SetWindowFontScale(1.4f);
  ImGui::TextUnformatted(m.otp.empty() ? "(off)" : ui.show_otp ? m.otp.c_str() : "********");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine();
  if (ImGui::SmallButton(ui.show_otp ? "Hide" : "Show")) ui.show_otp = !ui.show_otp;
  ImGui::SameLine();
  if (ImGui::SmallButton("New")) app.publish_raw(sdk::app::kRefreshPassword, "");
  ImGui::Spacing();
  ImGui::TextColored(kGrey, "Permanent password");
  ImGui::SetNextItemWidth(180);
  ImGui::InputText("##permanent", &ui.permanent_password, ImGuiInputTextFlags_Password);
  ImGui::SameLine();
  ImGui::BeginDisabled(ui.permanent_password.size() < 8);
  if (ImGui::Button("Set")) {
    app.publish(sdk::app::kSetPassword, Fields().set("password", ui.permanent_password));
    ui.permanent_password.clear();
  }
  ImGui::EndDisabled();
  if (!ui.permanent_password.empty() && ui.permanent_password.size() < 8)
    ImGui::TextColored(kGrey, "at least 8 characters");
  ImGui::Spacing();
  const bool online = m.rendezvous_state == "online";
  ImGui::TextColored(online                         ? kGreen
                     : m.rendezvous_state == "none" ? kGrey
                                                    : kRed,
                     online                         ? "Online"
                     : m.rendezvous_state == "none" ? "Direct connections only"
                                                    : "Offline");
  ImGui::TextWrapped("%s", m.rendezvous_detail.c_str());
  if (!m.listen.empty()) ImGui::TextColored(kGrey, "Direct connections on %s", m.listen.c_str());
  if (!m.hosting_problem.empty()) ImGui::TextColored(kRed, "%s", m.hosting_problem.c_str());
}

void connect_box(const Model& m, UiState& ui, AppModel& app) {
  ImGui::TextColored(kGrey, "CONNECT TO A REMOTE MACHINE");
  ImGui::SetNextItemWidth(220);
  if (ui.focus_id && !ui.ask_password) {
    ImGui::SetKeyboardFocusHere();
    ui.focus_id = false;
  }
  const bool entered =
      ImGui::InputTextWithHint("##remote_id", "Remote ID", &ui.connect_id,
                               ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  ImGui::SameLine();
  if ((ImGui::Button("Connect") || entered) && !ui.connect_id.empty()) {
    ui.ask_password = true;
    ui.focus_password = true;
  }
  const std::string state = m.viewer.get("state");
  const bool turned = state != std::exchange(ui.seen_state, state);
  if (state == "password" && turned) {  // once: Cancel closes it for good
    ui.ask_password = true;
    ui.focus_password = true;
    ui.connect_id = m.viewer.get("peer");
  }
  if ((state == "failed" || state == "closed" || state == "password") && !m.viewer.get("message").empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, state == "closed" ? kGrey : kRed);
    ImGui::TextWrapped("%s%s", state == "closed" ? "Session ended: " : "",
                       plain_error(state, m.viewer.get("message")).c_str());
    ImGui::PopStyleColor();
  }
  if (ui.ask_password) {
    ImGui::Separator();
    ImGui::Text("Password for %s", ui.connect_id.c_str());
    ImGui::SetNextItemWidth(220);
    if (ui.focus_password) {
      ImGui::SetKeyboardFocusHere();
      ui.focus_password = false;
    }
    const bool go = ImGui::InputText("##password", &ui.password,
                                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("OK") || go) connect(ui, app, ui.connect_id, ui.password);
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ui.ask_password = false;
    ImGui::TextColored(kGrey, "Leave it empty for a host that trusts this device.");
  }
}

void book(const Model& m, UiState& ui, AppModel& app) {
  ImGui::TextColored(kGrey, "ADDRESS BOOK AND RECENT SESSIONS");
  const nlohmann::json entries =
      m.book && m.book->is_object() && m.book->contains("entries") && (*m.book)["entries"].is_array()
          ? (*m.book)["entries"]
          : nlohmann::json::array();
  if (ImGui::BeginTable("book", 5,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Name");
    ImGui::TableSetupColumn("ID");
    ImGui::TableSetupColumn("Tags");
    ImGui::TableSetupColumn("Last session");
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    int row = 0;
    for (const auto& e : entries) {
      if (!e.is_object()) continue;
      const auto text = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : ""; };
      const std::string id = text("id"), name = text("name"), tags = text("tags");
      const int64_t last = e.contains("last") && e["last"].is_number_integer() ? e["last"].get<int64_t>() : 0;
      ImGui::PushID(row++);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name.empty() ? "-" : name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(id.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(tags.c_str());
      ImGui::TableNextColumn();
      if (last > 0) {
        char buf[32];
        const std::time_t t = std::time_t(last);
        std::tm tm{};
        localtime_r(&t, &tm);
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
        ImGui::TextUnformatted(buf);
      } else {
        ImGui::TextUnformatted("never");
      }
      ImGui::TableNextColumn();
      if (ImGui::SmallButton("Connect")) {
        ui.connect_id = id;
        ui.ask_password = true;
        ui.focus_password = true;
      }
      ImGui::SameLine();
      if (ImGui::SmallButton("Edit")) {
        ui.book_id = id;
        ui.book_name = name;
        ui.book_tags = tags;
      }
      ImGui::SameLine();
      if (ImGui::SmallButton("Remove")) app.publish(sdk::app::kBookRemove, Fields().set("id", id));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::SetNextItemWidth(110);
  ImGui::InputTextWithHint("##book_id", "ID", &ui.book_id);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  ImGui::InputTextWithHint("##book_name", "Name", &ui.book_name);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(140);
  ImGui::InputTextWithHint("##book_tags", "Tags", &ui.book_tags);
  ImGui::SameLine();
  ImGui::BeginDisabled(ui.book_id.empty());
  if (ImGui::Button("Save entry")) {
    app.publish(sdk::app::kBookSave,
                Fields().set("id", ui.book_id).set("name", ui.book_name).set("tags", ui.book_tags));
    ui.book_id.clear();
    ui.book_name.clear();
    ui.book_tags.clear();
  }
  ImGui::EndDisabled();
}
}  // namespace

void draw_home(const Model& m, UiState& ui, AppModel& app) {
  const float left = 330;
  ImGui::BeginChild("this_machine", ImVec2(left, 0), true);
  this_machine(m, ui, app);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("connect", ImVec2(0, 0), true);
  connect_box(m, ui, app);
  ImGui::Spacing();
  ImGui::Separator();
  book(m, ui, app);
  ImGui::EndChild();
}

}  // namespace telepane::frontend
