// Settings: the program's sections (rendezvous server and key, hosting and security, connecting) and every plugin
// with its on/off switch and its settings, all drawn from JSON Schemas the application sends. Each change is
// written to the user's config file by the application, which checks it first and says why when it refuses.
#include "ui.hpp"

#include <imgui_stdlib.h>

namespace telepane::frontend {
using sdk::app::Fields;

void send_setting(AppModel& app, const std::string& section, const std::string& key, const std::string& yaml) {
  app.publish(sdk::app::kSetSetting, Fields().set("section", section).set("key", key).set("value", yaml));
}

namespace {
const ImVec4 kGrey(0.65f, 0.65f, 0.65f, 1.0f);

std::string title_of(const std::string& key) {
  if (key == "rendezvous") return "Rendezvous and relay server";
  if (key == "host") return "Sharing this machine and security";
  if (key == "connect") return "Connecting to others";
  return key;
}

// Schema members read without throwing: a schema the form does not understand is shown, not fatal.
std::string text_of(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
double number_of(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}
bool flag_of(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

void draw_field(const std::string& section, const std::string& path, const std::string& name,
                const nlohmann::json& schema, const nlohmann::json& value, UiState& ui, AppModel& app) {
  const std::string type = text_of(schema, "type");
  const std::string label = name + "##" + section + "/" + path;
  const std::string edit_key = section + "/" + path;
  ImGui::PushID(edit_key.c_str());
  if (type == "object") {
    if (ImGui::TreeNode(name.c_str())) {
      draw_schema_form(section, schema, value.is_object() ? value : nlohmann::json::object(), path + ".", ui, app);
      ImGui::TreePop();
    }
  } else if (type == "boolean") {
    bool v = value.is_boolean() ? value.get<bool>() : flag_of(schema, "default");
    if (ImGui::Checkbox(label.c_str(), &v)) send_setting(app, section, path, v ? "true" : "false");
  } else if (type == "integer" || type == "number") {
    double v = value.is_number() ? value.get<double>() : number_of(schema, "default");
    ImGui::SetNextItemWidth(160);
    if (type == "integer") {
      int64_t iv = int64_t(v);
      ImGui::InputScalar(label.c_str(), ImGuiDataType_S64, &iv);
      if (ImGui::IsItemDeactivatedAfterEdit()) send_setting(app, section, path, std::to_string(iv));
    } else {
      ImGui::InputDouble(label.c_str(), &v);
      if (ImGui::IsItemDeactivatedAfterEdit()) send_setting(app, section, path, nlohmann::json(v).dump());
    }
  } else if (type == "string" && schema.contains("enum") && schema["enum"].is_array()) {
    const std::string current = value.is_string() ? value.get<std::string>() : text_of(schema, "default");
    ImGui::SetNextItemWidth(200);
    if (ImGui::BeginCombo(label.c_str(), current.c_str())) {
      for (const auto& option : schema["enum"]) {
        if (!option.is_string()) continue;
        const std::string o = option.get<std::string>();
        if (ImGui::Selectable(o.c_str(), o == current)) send_setting(app, section, path, nlohmann::json(o).dump());
      }
      ImGui::EndCombo();
    }
  } else if (type == "string" || type == "array") {
    // Lists are edited as comma-separated text.
    std::string shown;
    if (type == "string") {
      shown = value.is_string() ? value.get<std::string>() : "";
    } else if (value.is_array()) {
      for (const auto& item : value)
        shown += (shown.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    auto it = ui.edits.try_emplace(edit_key, shown).first;
    ImGui::SetNextItemWidth(320);
    ImGui::InputText(label.c_str(), &it->second);
    if (ImGui::IsItemDeactivatedAfterEdit()) {
      if (type == "string") {
        send_setting(app, section, path, nlohmann::json(it->second).dump());
      } else {
        nlohmann::json list = nlohmann::json::array();
        std::size_t pos = 0;
        const std::string& t = it->second;
        while (pos <= t.size()) {
          auto comma = std::min(t.find(',', pos), t.size());
          std::string item = t.substr(pos, comma - pos);
          item.erase(0, item.find_first_not_of(' '));
          item.erase(item.find_last_not_of(' ') + 1);
          if (!item.empty()) list.push_back(item);
          pos = comma + 1;
        }
        send_setting(app, section, path, list.dump());
      }
    } else if (!ImGui::IsItemActive()) {
      it->second = shown;  // follow the saved value when nobody is typing
    }
  } else {
    ImGui::TextDisabled("%s: %s (edit in the config file)", name.c_str(), value.dump().c_str());
  }
  if (const std::string description = text_of(schema, "description"); !description.empty() && type != "object") {
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", description.c_str());
  }
  ImGui::PopID();
}
}  // namespace

void draw_schema_form(const std::string& section, const nlohmann::json& schema, const nlohmann::json& values,
                      const std::string& prefix, UiState& ui, AppModel& app) {
  if (!schema.is_object() || !schema.contains("properties")) return;
  const auto& properties = schema["properties"];
  if (!properties.is_object()) return;
  for (auto& [name, sub] : properties.items()) {
    if (!sub.is_object()) continue;  // `true` and the like: nothing to draw
    const nlohmann::json v = values.is_object() && values.contains(name) ? values[name] : nlohmann::json();
    draw_field(section, prefix + name, name, sub, v, ui, app);
  }
}

void draw_settings(const Model& m, UiState& ui, AppModel& app) {
  if (!m.settings || !m.settings->is_object()) {
    ImGui::TextDisabled("waiting for the application");
    return;
  }
  const nlohmann::json& s = *m.settings;
  const nlohmann::json none;
  ImGui::TextColored(kGrey, "Saved to %s", text_of(s, "file").c_str());
  if (flag_of(s, "restart_needed")) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "Restart Telepane to apply the changes.");
  }
  ImGui::BeginChild("settings_scroll");
  const auto list = [&](const char* key) {
    return s.contains(key) && s[key].is_array() ? s[key] : nlohmann::json::array();
  };
  for (const auto& section : list("sections")) {
    const std::string key = text_of(section, "key");
    if (ImGui::CollapsingHeader(title_of(key).c_str(), key == "rendezvous" ? ImGuiTreeNodeFlags_DefaultOpen : 0))
      draw_schema_form(key, section.contains("schema") ? section["schema"] : none,
                       section.contains("values") ? section["values"] : none, "", ui, app);
  }
  if (ImGui::CollapsingHeader("Plugins", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::SetNextItemWidth(240);
    ImGui::InputTextWithHint("##filter", "filter", &ui.plugin_filter);
    for (const auto& p : list("plugins")) {
      if (!p.is_object()) continue;
      const std::string id = text_of(p, "id");
      if (!ui.plugin_filter.empty() && id.find(ui.plugin_filter) == std::string::npos) continue;
      ImGui::PushID(id.c_str());
      const std::string state = text_of(p, "state");
      bool on = state != "disabled";
      if (ImGui::Checkbox("##on", &on))
        app.publish(sdk::app::kEnablePlugin, Fields().set("id", id).set("enabled", on ? 1 : 0));
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(on ? "Turn off (applies at the next start)" : "Turn on (applies at the next start)");
      ImGui::SameLine();
      const bool open = ImGui::TreeNode(id.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%s  %s", text_of(p, "kinds").c_str(), state.c_str());
      if (open) {
        ImGui::TextWrapped("%s", text_of(p, "description").c_str());
        if (const std::string error = text_of(p, "error"); !error.empty())
          ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", error.c_str());
        if (p.contains("schema") && p["schema"].is_object()) {
          draw_schema_form(id, p["schema"], p.contains("values") ? p["values"] : none, "", ui, app);
        } else {
          ImGui::TextDisabled("no settings");
        }
        ImGui::TreePop();
      }
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
}

}  // namespace telepane::frontend
