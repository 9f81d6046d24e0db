// One loaded plugin library. Everything created from a plugin holds a shared_ptr<Library>, so the code behind a
// vtable can never be unmapped while an object or a vtable pointer from it is in use.
#pragma once

#include <telepane/abi/tp_plugin.h>

#include <memory>
#include <string>

namespace telepane::core::plugins {

class Library {
 public:
  // Opens `path` with RTLD_LOCAL|RTLD_NOW and finds tp_plugin_entry. On failure returns null and sets *error to
  // one line ("not a shared library: ...", "no tp_plugin_entry symbol"). [main thread]
  static std::shared_ptr<Library> open(const std::string& path, std::string* error);

  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  tp_plugin_entry_fn entry() const { return entry_; }
  // Marks the library permanent (RTLD_NODELETE), whatever the build does with the others. [main thread]
  void keep_loaded() const;
  const std::string& path() const { return path_; }

  struct Impl;
  class Key {  // only open() can construct, yet make_shared still works
    friend class Library;
    Key() = default;
  };
  Library(Key, std::string path, std::unique_ptr<Impl> impl, tp_plugin_entry_fn entry);

 private:
  std::string path_;
  std::unique_ptr<Impl> impl_;
  tp_plugin_entry_fn entry_;
};

// Why `path` (a plugin file or directory) must not be loaded, or empty when it may: it must be owned by root or
// by the user running Telepane and be writable by nobody else, so that nobody else can plant code in it.
std::string untrusted_reason(const std::string& path);

}  // namespace telepane::core::plugins
