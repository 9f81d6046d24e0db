#include "app_model.hpp"

#include <algorithm>

namespace telepane::frontend {
using sdk::app::Fields;

namespace {
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    if (comma > pos) out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

AppModel::AppModel(sdk::Host host, std::function<void()> wake) : host_(host), wake_(std::move(wake)) {
  for (const char* t :
       {sdk::app::kIdentity, sdk::app::kOneTimePassword, sdk::app::kRendezvous, sdk::app::kConfirmAsk,
        sdk::app::kHostSessions, sdk::app::kViewerState, sdk::app::kViewerStats, sdk::app::kViewerCursor,
        sdk::app::kSettings, sdk::app::kBook, sdk::app::kNotice, sdk::app::kChatReceived, sdk::app::kClipboardReceived})
    subs_.push_back(
        host_.subscribe(t, [this](std::string_view topic, std::string_view payload) { on_event(topic, payload); }));
  host_.publish(sdk::app::kHello, "");
}

void AppModel::on_event(std::string_view topic_view, std::string_view payload_view) {
  const std::string topic(topic_view), payload(payload_view);
  {
    std::lock_guard lock(mu_);
    if (topic == sdk::app::kOneTimePassword) {
      m_.otp = payload;
    } else if (topic == sdk::app::kChatReceived) {
      m_.chat.push_back("peer: " + payload);
      if (m_.chat.size() > 200) m_.chat.pop_front();
    } else if (topic == sdk::app::kClipboardReceived) {
      m_.clipboard_in = payload;
      ++m_.clipboard_serial;
    } else {
      std::string why;
      const auto f = Fields::decode(payload, why);
      if (!f) {
        host_.log(TP_LOG_WARN, topic + ": " + why);
        return;
      }
      if (topic == sdk::app::kIdentity) {
        m_.id = f->get("id");
        m_.full_id = f->get("full_id");
        m_.listen = f->get("listen");
        m_.hosting_problem = f->get("problem");
      } else if (topic == sdk::app::kRendezvous) {
        m_.rendezvous_state = f->get("state", "none");
        m_.rendezvous_detail = f->get("detail");
      } else if (topic == sdk::app::kConfirmAsk) {
        const int64_t token = f->number("token");
        std::erase_if(m_.questions, [&](const Question& q) { return q.token == token; });
        if (f->flag("open")) {
          m_.questions.push_back(
              {token, f->get("address"), f->get("device"), split(f->get("permissions")), f->number("timeout_ms"), 0});
          new_questions_.push_back(token);
        }
      } else if (topic == sdk::app::kHostSessions) {
        host_.debug("viewers: " + f->get("count"));
        m_.viewers.clear();
        // At most as many viewers as the payload has fields for: a count alone cannot make this loop long.
        const int64_t count = std::min<int64_t>(f->number("count"), int64_t(f->all().size()));
        for (int64_t i = 0; i < count; ++i) {
          const std::string n = std::to_string(i);
          m_.viewers.push_back({f->number("token." + n), f->get("address." + n), f->get("permissions." + n)});
        }
      } else if (topic == sdk::app::kViewerState) {
        m_.viewer = *f;
        if (f->get("state") != "connected") m_.stats = Fields();
      } else if (topic == sdk::app::kViewerStats) {
        m_.stats = *f;
      } else if (topic == sdk::app::kViewerCursor) {
        m_.cursor_x = int32_t(f->number("x"));
        m_.cursor_y = int32_t(f->number("y"));
        m_.cursor_visible = f->flag("visible");
        const std::string bgra = f->get("bgra");
        const auto w = uint32_t(f->number("w")), h = uint32_t(f->number("h"));
        if (!bgra.empty() && w > 0 && h > 0 && w <= 256 && h <= 256 && bgra.size() == std::size_t(w) * h * 8) {
          CursorShape s{w, h, uint32_t(f->number("hot_x")), uint32_t(f->number("hot_y")), {}, m_.cursor.serial + 1};
          s.rgba.resize(std::size_t(w) * h * 4);
          for (std::size_t i = 0; i < s.rgba.size(); ++i) {
            const int hi = hex(bgra[2 * i]), lo = hex(bgra[2 * i + 1]);
            if (hi < 0 || lo < 0) return;
            s.rgba[i] = uint8_t(hi << 4 | lo);
          }
          for (std::size_t p = 0; p < s.rgba.size(); p += 4) std::swap(s.rgba[p], s.rgba[p + 2]);  // BGRA -> RGBA
          m_.cursor = std::move(s);
        }
      } else if (topic == sdk::app::kSettings || topic == sdk::app::kBook) {
        auto j = nlohmann::json::parse(f->get("json"), nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) {
          host_.log(TP_LOG_WARN, topic + ": the json field is not JSON");
          return;
        }
        (topic == sdk::app::kSettings ? m_.settings : m_.book) = std::make_shared<const nlohmann::json>(std::move(j));
      } else if (topic == sdk::app::kNotice) {
        m_.notices.emplace_back(f->get("message"), f->get("level") == "error");
        if (m_.notices.size() > 5) m_.notices.pop_front();
      }
    }
  }
  ++version_;
  wake_();
}

Model AppModel::snapshot(double now) {
  std::lock_guard lock(mu_);
  for (auto& q : m_.questions)
    for (auto t : new_questions_)
      if (q.token == t) q.asked_at = now;
  new_questions_.clear();
  return m_;
}

void AppModel::add_chat(const std::string& line) {
  std::lock_guard lock(mu_);
  m_.chat.push_back("me: " + line);
  if (m_.chat.size() > 200) m_.chat.pop_front();
  ++version_;
}

void AppModel::dismiss_notice() {
  std::lock_guard lock(mu_);
  if (!m_.notices.empty()) m_.notices.pop_front();
  ++version_;
}

}  // namespace telepane::frontend
