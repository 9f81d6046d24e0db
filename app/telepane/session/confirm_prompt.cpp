#include "session/confirm_prompt.hpp"

#include "session/terminal.hpp"

#include <telepane/core/identity/identity.hpp>

#include <algorithm>

namespace telepane::app {

void ConfirmPrompt::ask(const core::session::ConfirmRequest& request,
                        std::function<void(core::session::ConfirmDecision)> answer) {
  const std::string who = request.viewer_key ? "device " + core::identity::fingerprint_of(*request.viewer_key)
                                             : std::string("an unidentified device");
  std::lock_guard lock(mu_);
  if (closed_) {
    Terminal::say("refused a viewer from " + request.viewer_address + ": nobody is at the terminal to accept it");
    return answer({});
  }
  pending_.push_back({"viewer from " + request.viewer_address + " (" + who + ") wants to connect. Accept? [y/N]",
                      std::move(answer), std::chrono::steady_clock::now() + timeout_});
  if (pending_.size() == 1) show_front();
}

void ConfirmPrompt::show_front() {
  if (!pending_.empty()) Terminal::say(pending_.front().question);
}

bool ConfirmPrompt::take_line(const std::string& line) {
  std::function<void(core::session::ConfirmDecision)> answer;
  std::string word = line;
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  const bool yes = word == "y" || word == "yes";
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) return false;
    answer = std::move(pending_.front().answer);
    pending_.pop_front();
    Terminal::say(yes ? "accepted" : "declined");
    show_front();
  }
  answer({yes, std::nullopt});
  return true;
}

void ConfirmPrompt::expire() {
  std::vector<std::function<void(core::session::ConfirmDecision)>> refused;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    while (!pending_.empty() && pending_.front().deadline <= now) {
      refused.push_back(std::move(pending_.front().answer));
      pending_.pop_front();
      Terminal::say("no answer: declined");
      show_front();
    }
  }
  for (auto& a : refused) a({});
}

void ConfirmPrompt::terminal_closed() {
  std::deque<Pending> refused;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    refused.swap(pending_);
  }
  for (auto& p : refused) p.answer({});
}

}  // namespace telepane::app
