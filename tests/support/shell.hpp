// Runs a shell command and returns what it printed on stdout: for tests whose judges are other programs (ffprobe,
// xclip). Header-only, like xvfb.hpp.
#pragma once

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace telepane::test {

inline std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (p && fgets(buf.data(), int(buf.size()), p.get()) != nullptr) out += buf.data();
  return out;
}

}  // namespace telepane::test
