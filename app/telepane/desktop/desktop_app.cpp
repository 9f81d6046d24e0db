#include "desktop/desktop_app.hpp"

#include "session/password_enroll.hpp"

#include <telepane/sdk/app_events.hpp>

#include <iostream>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;
using sdk::app::Fields;

namespace {
std::filesystem::path book_file() {
  const auto user = core::config::default_sources("peer", TELEPANE_SYSCONFDIR_DEFAULT).user_file;
  return std::filesystem::path(user).parent_path() / "address-book.yaml";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : ",") + w;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}
}  // namespace

DesktopApp::DesktopApp(core::Runtime& rt, const CliOptions& opts, const ci::Identity& me,
                       core::plugins::FeatureRef frontend)
    : rt_(rt),
      me_(me),
      confirm_timeout_(*rt.core_config().at_path("host.confirm_timeout_ms")->as_int()),
      book_(book_file()),
      settings_(rt, opts) {
  std::optional<RendezvousServer> server;
  try {
    server = rendezvous_server(rt, opts);
  } catch (const std::exception& e) {
    notice(e.what(), true);
  }
  rendezvous_ = Fields()
                    .set("state", server ? "offline" : "none")
                    .set("server", server ? server->address : "")
                    .set("detail", server ? "connecting" : "no rendezvous server is set (Settings)")
                    .encode();
  viewer_ = std::make_unique<ViewerController>(rt, me, server, std::move(frontend), book_);
  try {
    HostingOptions ho;
    ho.identity = &me;
    ho.listen = opts.listen.empty() ? rt.core_config().at_path("host.listen")->text() : opts.listen;
    ho.ask = [this](const cs::ConfirmRequest& r, std::function<void(cs::ConfirmDecision)> a) { ask(r, std::move(a)); };
    ho.on_rendezvous_state = [this](const std::string& line) { publish_rendezvous(line); };
    ho.notice = [this](const std::string& line) { notice(line); };
    hosting_ = std::make_unique<Hosting>(rt, std::move(ho), server);
    std::cout << "id: " << me.numeric_id() << "\nfull id: " << me.full_id() << "\nlistening on "
              << hosting_->listen_address() << std::endl;
  } catch (const std::exception& e) {
    hosting_problem_ = std::string("not sharing this machine: ") + e.what();
    notice(hosting_problem_, true);
  }
  if (!book_.problem().empty()) notice(book_.problem(), true);
  // The window's requests are queued here and handled on the tending thread: connecting, writing settings and
  // hashing a password take time the shared bus executor must not spend.
  for (const char* topic :
       {sdk::app::kHello, sdk::app::kWindowReady, sdk::app::kConnect, sdk::app::kViewerClose, sdk::app::kViewerDisplay,
        sdk::app::kViewerStream, sdk::app::kConfirmAnswer, sdk::app::kHostEnd, sdk::app::kSetPassword,
        sdk::app::kSetSetting, sdk::app::kEnablePlugin, sdk::app::kBookSave, sdk::app::kBookRemove})
    subscriptions_.push_back(rt.bus().subscribe(topic, rt.executor(), [this](const core::Event& e) {
      {
        std::lock_guard lock(mu_);
        requests_.push_back(e);
      }
      cv_.notify_all();
    }));
  subscriptions_.push_back(rt.bus().subscribe(sdk::app::kOneTimePassword, rt.executor(), [this](const core::Event& e) {
    std::lock_guard lock(mu_);
    otp_ = e.payload;
  }));
  // The auth plugin drew a one-time password while loading, before anyone here listened: draw the one to show.
  rt.bus().publish(sdk::app::kRefreshPassword, "");
  tender_ = std::thread([this] { tend(); });
}

DesktopApp::~DesktopApp() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  tender_.join();
  subscriptions_.clear();
  viewer_.reset();
  std::map<uint64_t, Question> open;
  {
    std::lock_guard lock(mu_);
    open.swap(questions_);
  }
  for (auto& [token, q] : open) q.answer({});  // questions asked from now on are refused at once (stopping_)
  hosting_.reset();
}

void DesktopApp::notice(const std::string& message, bool error) {
  rt_.bus().publish(sdk::app::kNotice,
                    Fields().set("level", error ? "error" : "info").set("message", message).encode());
  if (error) std::cerr << "telepane: " << message << std::endl;
}

void DesktopApp::publish_rendezvous(const std::string& line) {
  Fields f;
  if (line.rfind("registered as ", 0) == 0) {
    f.set("state", "online").set("detail", line);
  } else {
    f.set("state", "offline").set("detail", line.rfind("rendezvous: ", 0) == 0 ? line.substr(12) : line);
  }
  std::cout << line << std::endl;
  {
    std::lock_guard lock(mu_);
    rendezvous_ = f.encode();
  }
  rt_.bus().publish(sdk::app::kRendezvous, f.encode());
}

void DesktopApp::publish_sessions(bool force) {
  Fields f;
  const auto list = hosting_ ? hosting_->sessions() : std::vector<HostedSession>{};
  int64_t shown = 0;
  for (auto& s : list) {
    // Only viewers let in: a connection still proving itself, or waiting for the person's answer, is not watching.
    if (!s.authenticated || s.permissions.empty()) continue;
    const std::string n = std::to_string(shown++);
    f.set("token." + n, int64_t(s.token)).set("address." + n, s.address).set("permissions." + n, join(s.permissions));
  }
  f.set("count", shown);
  std::string payload = f.encode();
  {
    std::lock_guard lock(mu_);
    if (!force && payload == sessions_sent_) return;
    sessions_sent_ = payload;
  }
  rt_.logger().debug("desktop", "viewers now: " + std::to_string(shown));
  rt_.bus().publish(sdk::app::kHostSessions, payload);
}

void DesktopApp::publish_everything() {
  rt_.bus().publish(sdk::app::kIdentity, Fields()
                                             .set("id", me_.numeric_id())
                                             .set("full_id", me_.full_id())
                                             .set("listen", hosting_ ? hosting_->listen_address() : "")
                                             .set("problem", hosting_problem_)
                                             .encode());
  std::string rendezvous, otp;
  std::vector<std::string> questions;
  {
    std::lock_guard lock(mu_);
    rendezvous = rendezvous_;
    otp = otp_;
    for (auto& [token, q] : questions_) questions.push_back(q.fields);
  }
  rt_.bus().publish(sdk::app::kRendezvous, rendezvous);
  if (!otp.empty()) rt_.bus().publish(sdk::app::kOneTimePassword, otp);
  for (auto& q : questions) rt_.bus().publish(sdk::app::kConfirmAsk, q);
  publish_sessions(/*force=*/true);
  viewer_->republish();
  rt_.bus().publish(sdk::app::kSettings, Fields().set("json", settings_.model_json()).encode());
  rt_.bus().publish(sdk::app::kBook, Fields().set("json", book_.to_json()).encode());
}

void DesktopApp::ask(const cs::ConfirmRequest& r, std::function<void(cs::ConfirmDecision)> answer) {
  Fields f;
  std::string device = r.viewer_key ? ci::fingerprint_of(*r.viewer_key) : "";
  std::string fields;
  uint64_t token = 0;
  {
    std::unique_lock lock(mu_);
    if (stopping_) {
      lock.unlock();
      return answer({});  // the app is closing: nobody will answer
    }
    token = next_question_++;
    f.set("token", int64_t(token)).set("open", 1).set("address", r.viewer_address).set("device", device);
    f.set("permissions", join(r.grant));
    f.set("timeout_ms", int64_t(confirm_timeout_.count()));
    fields = f.encode();
    questions_[token] = {std::move(answer), std::chrono::steady_clock::now() + confirm_timeout_, fields};
  }
  std::cout << "host: viewer from " << r.viewer_address << " (" << (device.empty() ? "unidentified device" : device)
            << ") asks to connect" << std::endl;
  rt_.bus().publish(sdk::app::kConfirmAsk, fields);
}

void DesktopApp::answer(uint64_t token, cs::ConfirmDecision decision, const std::string& how) {
  std::function<void(cs::ConfirmDecision)> fn;
  {
    std::lock_guard lock(mu_);
    auto it = questions_.find(token);
    if (it == questions_.end()) return;  // answered already, or timed out
    fn = std::move(it->second.answer);
    questions_.erase(it);
  }
  std::cout << "host: " << how;
  if (decision.accepted && decision.grant) std::cout << " (granting " << join(*decision.grant) << ")";
  std::cout << std::endl;
  rt_.bus().publish(sdk::app::kConfirmAsk, Fields().set("token", int64_t(token)).set("open", 0).encode());
  fn(std::move(decision));
}

void DesktopApp::tend() {
  for (;;) {
    std::vector<uint64_t> expired;
    std::deque<core::Event> requests;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_ || !requests_.empty(); });
      if (stopping_) return;
      requests.swap(requests_);
      const auto now = std::chrono::steady_clock::now();
      for (auto& [token, q] : questions_)
        if (q.deadline <= now) expired.push_back(token);
    }
    for (const auto& e : requests) {
      try {
        handle(e);
      } catch (const std::exception& ex) {
        notice(e.topic + ": " + ex.what(), true);
      }
    }
    for (auto t : expired) answer(t, {}, "no answer in time: declined");
    if (hosting_) {
      hosting_->tend();
      publish_sessions();  // when anything changed: a viewer came, was granted, or left
    }
  }
}

void DesktopApp::handle(const core::Event& e) {
  std::string why;
  const auto f = Fields::decode(e.payload, why);
  if (!f) return rt_.logger().warn("desktop", e.topic + ": " + why);
  const std::string& t = e.topic;
  if (t == sdk::app::kHello) {
    publish_everything();
  } else if (t == sdk::app::kWindowReady) {
    std::cout << "window: open" << std::endl;  // for whoever drives the app: it takes input now
  } else if (t == sdk::app::kConnect) {
    viewer_->connect(f->get("id"), f->get("password"));
  } else if (t == sdk::app::kViewerClose) {
    viewer_->close();
  } else if (t == sdk::app::kViewerDisplay) {
    viewer_->select_display(uint32_t(std::max<int64_t>(0, f->number("index"))));
  } else if (t == sdk::app::kViewerStream) {
    viewer_->set_stream(
        {uint32_t(std::clamp<int64_t>(f->number("max_fps"), 0, 240)), f->get("quality"), f->get("codec")});
  } else if (t == sdk::app::kConfirmAnswer) {
    cs::ConfirmDecision d{f->flag("accept"), std::nullopt};
    if (d.accepted && f->find("grant")) d.grant = split(f->get("grant"));
    const std::string how = d.accepted ? "accepted" : "declined";
    answer(uint64_t(f->number("token")), std::move(d), how);
  } else if (t == sdk::app::kHostEnd) {
    if (hosting_) hosting_->end(uint64_t(f->number("token")), "the person at the host ended the session");
  } else if (t == sdk::app::kSetPassword) {
    Enrolled enrolled;
    try {
      enrolled = enroll_password(rt_, f->get("password"));
    } catch (const std::exception& ex) {
      return notice(ex.what(), true);
    }
    const auto problem = settings_.set(enrolled.plugin_id, "verifier", "\"" + enrolled.verifier + "\"");
    if (!problem.empty()) return notice(problem, true);
    notice("permanent password saved to " + settings_.file().string() + "; it applies at the next start");
  } else if (t == sdk::app::kSetSetting || t == sdk::app::kEnablePlugin) {
    const auto problem = t == sdk::app::kSetSetting ? settings_.set(f->get("section"), f->get("key"), f->get("value"))
                                                    : settings_.enable_plugin(f->get("id"), f->flag("enabled"));
    if (!problem.empty()) return notice(problem, true);
    notice("saved to " + settings_.file().string() + "; restart Telepane to apply");
    rt_.bus().publish(sdk::app::kSettings, Fields().set("json", settings_.model_json()).encode());
  } else if (t == sdk::app::kBookSave || t == sdk::app::kBookRemove) {
    if (!ci::parse_peer_id(f->get("id"))) return notice("'" + f->get("id") + "' is not a peer ID", true);
    if (t == sdk::app::kBookSave) {
      book_.save({f->get("id"), f->get("name"), f->get("tags"), 0});
    } else {
      book_.remove(f->get("id"));
    }
    rt_.bus().publish(sdk::app::kBook, Fields().set("json", book_.to_json()).encode());
  }
}

}  // namespace telepane::app
