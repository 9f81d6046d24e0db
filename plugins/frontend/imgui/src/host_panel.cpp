// The host side of the window: a prompt for each viewer waiting to be accepted (who, their device's key
// fingerprint, the permissions asked for, each of which the person may turn off), the sharing indicator, and
// notices from the application.
#include "ui.hpp"

#include <algorithm>

namespace telepane::frontend {
using sdk::app::Fields;

namespace {
std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : ",") + w;
  return out;
}
}  // namespace

void draw_host_panel(const Model& m, UiState& ui, AppModel& app, double now) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Forget toggles of questions that are gone.
  for (auto it = ui.grants.begin(); it != ui.grants.end();) {
    const bool open =
        std::any_of(m.questions.begin(), m.questions.end(), [&](auto& q) { return q.token == it->first; });
    it = open ? std::next(it) : ui.grants.erase(it);
  }
  float y = vp->WorkPos.y + 40;
  for (const auto& q : m.questions) {
    auto& grants = ui.grants[q.token];
    for (auto& p : q.permissions) grants.try_emplace(p, true);
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, y), ImGuiCond_Always, ImVec2(0.5f, 0));
    ImGui::SetNextWindowSize(ImVec2(460, 0));
    ImGui::SetNextWindowFocus();
    const std::string title = "Incoming connection##" + std::to_string(q.token);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.16f, 0.20f, 0.30f, 1.0f));
    ImGui::Begin(title.c_str(), nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
    ImGui::Text("A viewer from %s wants to connect to this machine.", q.address.c_str());
    if (q.device.empty()) {
      ImGui::TextWrapped("Device: unidentified (it proved no key)");
    } else {
      ImGui::TextWrapped("Device key fingerprint: %s", q.device.c_str());
    }
    ImGui::Text("Allow:");
    for (auto& p : q.permissions) {
      bool on = grants[p];
      if (ImGui::Checkbox(p.c_str(), &on)) grants[p] = on;
      ImGui::SameLine();
    }
    ImGui::NewLine();
    const double left = q.timeout_ms / 1000.0 - (now - q.asked_at);
    ImGui::Text("Declined automatically in %.0f s", std::max(0.0, left));
    if (ImGui::Button("Accept", ImVec2(120, 0))) {
      std::vector<std::string> granted;
      for (auto& p : q.permissions)
        if (grants[p]) granted.push_back(p);
      app.publish(sdk::app::kConfirmAnswer,
                  Fields().set("token", q.token).set("accept", 1).set("grant", join(granted)));
    }
    ImGui::SameLine();
    if (ImGui::Button("Deny", ImVec2(120, 0)))
      app.publish(sdk::app::kConfirmAnswer, Fields().set("token", q.token).set("accept", 0));
    y += ImGui::GetWindowHeight() + 10;
    ImGui::End();
    ImGui::PopStyleColor();
  }

  if (m.viewers.empty()) return;
  // Always visible while anyone is connected: a bar along the bottom of the window.
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y), ImGuiCond_Always, ImVec2(0, 1));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.75f, 0.20f, 0.15f, 1.0f));
  ImGui::Begin("##sharing", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("This machine is being shared with %zu viewer%s", m.viewers.size(), m.viewers.size() == 1 ? "" : "s");
  for (const auto& v : m.viewers) {
    ImGui::PushID(int(v.token));
    ImGui::Text("  %s  (%s)", v.address.c_str(), v.permissions.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Disconnect")) app.publish(sdk::app::kHostEnd, Fields().set("token", v.token));
    ImGui::PopID();
  }
  if (m.viewers.size() > 1 && ImGui::Button("Disconnect everyone"))
    app.publish(sdk::app::kHostEnd, Fields().set("token", 0));
  ImGui::End();
  ImGui::PopStyleColor();
}

void draw_notices(const Model& m, AppModel& app) {
  if (m.notices.empty()) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 10, vp->WorkPos.y + 40), ImGuiCond_Always,
                          ImVec2(1, 0));
  ImGui::SetNextWindowSize(ImVec2(380, 0));
  ImGui::Begin("##notices", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
  const auto& [message, error] = m.notices.front();
  ImGui::PushStyleColor(ImGuiCol_Text, error ? ImVec4(1.0f, 0.45f, 0.40f, 1) : ImVec4(0.85f, 0.90f, 1.0f, 1));
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
  if (ImGui::SmallButton("OK")) app.dismiss_notice();
  ImGui::End();
}

}  // namespace telepane::frontend
