// Connections at once, in all and per source address: one address cannot take every slot. Used by both roles
// on their io thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace telepane::server {

class SourceCaps : public std::enable_shared_from_this<SourceCaps> {
 public:
  SourceCaps(std::size_t total, std::size_t per_source) : total_(total), per_source_(per_source) {}

  // Held while the connection lives; the slot frees when it is destroyed.
  class Slot {
   public:
    Slot(std::shared_ptr<SourceCaps> caps, std::string source) : caps_(std::move(caps)), source_(std::move(source)) {}
    Slot(Slot&&) noexcept = default;
    Slot& operator=(Slot&&) noexcept = default;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (caps_) caps_->release(source_);
    }

   private:
    std::shared_ptr<SourceCaps> caps_;
    std::string source_;
  };

  // A slot, or the reason there is none (nullopt slot, reason set).
  std::optional<Slot> take(const std::string& source, std::string& reason) {
    if (count_ >= total_) {
      reason = "server full (" + std::to_string(total_) + " connections)";
      return std::nullopt;
    }
    auto& n = per_source_count_[source];
    if (n >= per_source_) {
      reason = "too many connections from " + source;
      return std::nullopt;
    }
    ++n;
    ++count_;
    return Slot(shared_from_this(), source);
  }

 private:
  void release(const std::string& source) {
    --count_;
    auto it = per_source_count_.find(source);
    if (it != per_source_count_.end() && --it->second == 0) per_source_count_.erase(it);
  }
  std::size_t total_, per_source_;
  std::size_t count_ = 0;
  std::map<std::string, std::size_t> per_source_count_;
};

}  // namespace telepane::server
