#include <telepane/core/plugins/library.hpp>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/dll/shared_library.hpp>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace telepane::core::plugins {

struct Library::Impl {
  boost::dll::shared_library lib;
};

Library::Library(Key, std::string path, std::unique_ptr<Impl> impl, tp_plugin_entry_fn entry_fn)
    : path_(std::move(path)), impl_(std::move(impl)), entry_(entry_fn) {}

Library::~Library() = default;  // shared_library's destructor dlcloses; release builds made the library NODELETE

std::shared_ptr<Library> Library::open(const std::string& path, std::string* error) {
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  dlerror();  // clear a stale message so the one we read is about this file
  impl->lib.load(boost::dll::fs::path(path), ec, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  if (ec || !impl->lib.is_loaded()) {
    const char* why = dlerror();
    *error = std::string("not a loadable shared library: ") + (why != nullptr ? why : ec.message());
    return nullptr;
  }
  if (!impl->lib.has(TP_PLUGIN_ENTRY_SYMBOL)) {
    *error = "no " TP_PLUGIN_ENTRY_SYMBOL " symbol: not a Telepane plugin";
    return nullptr;
  }
  auto entry_fn = impl->lib.get<const tp_plugin_desc*(uint16_t, uint16_t)>(TP_PLUGIN_ENTRY_SYMBOL);
  auto library = std::make_shared<Library>(Key{}, path, std::move(impl), entry_fn);
#ifndef TELEPANE_UNLOAD_PLUGINS
  // Release builds never dlclose a plugin: a thread or an atexit handler it left behind would run unmapped code.
  library->keep_loaded();
#endif
  return library;
}

void Library::keep_loaded() const {
  // A second dlopen with RTLD_NODELETE marks the already-loaded library permanent.
  if (void* pin = dlopen(path_.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) dlclose(pin);
}

std::string untrusted_reason(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
  if (st.st_uid != 0 && st.st_uid != geteuid())
    return "owned by uid " + std::to_string(st.st_uid) + ", neither root nor the current user";
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return std::string((st.st_mode & S_IWOTH) ? "world" : "group") + "-writable: anyone could plant code in it";
  return {};
}

}  // namespace telepane::core::plugins
