// The desktop app's address book and recent sessions: one YAML file in the user's config dir
// (address-book.yaml beside peer.yaml), rewritten whole (to a temporary file, then renamed) on every change.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace telepane::app {

struct BookEntry {
  std::string id;    // peer ID or full ID
  std::string name;  // empty: only a recent session
  std::string tags;  // free text, comma separated
  int64_t last = 0;  // unix seconds of the last session; 0: never
};

class AddressBook {
 public:
  // Reads `file` when it exists. A file that cannot be read is named in `problem` and the book starts empty (the
  // file is left as it is until the next change).
  explicit AddressBook(std::filesystem::path file);
  std::string problem() {
    std::lock_guard lock(mu_);
    return problem_;
  }

  void touch(const std::string& id);  // a session to `id` started now [any thread]
  void save(const BookEntry& entry);  // adds or updates by id, keeping `last` [any thread]
  void remove(const std::string& id);
  std::vector<BookEntry> entries();  // named ones by name, then the rest by most recent
  std::string to_json();             // the payload of app.book

 private:
  void write();  // under mu_; a failure is kept in problem_

  std::filesystem::path file_;
  std::mutex mu_;
  std::vector<BookEntry> entries_;
  std::string problem_;
};

}  // namespace telepane::app
