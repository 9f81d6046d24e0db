// Runs a real executable the way a user would, capturing its output and exit code, with a hard time limit so a
// hang fails the test instead of stalling CI.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace telepane::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or the time limit
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) this process's environment
  std::filesystem::path cwd;
  std::chrono::seconds timeout{60};
};

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

// A fresh directory under the system temp dir, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `content` to path()/name, creating parent directories.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace telepane::test
