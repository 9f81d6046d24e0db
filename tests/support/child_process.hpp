// A real process the test talks to while it runs: lines to its stdin, its stdout and stderr collected as they
// come, bounded waits, and a kill on destruction so a failing test never leaves it behind.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace telepane::test {

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void write(const std::string& text);
  void close_stdin();
  // True once stdout contains `text`; false when `timeout` passes first.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout);
  // The exit code, or nullopt if it is still running after `timeout`; -1 when a signal ended it.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  void signal(int sig);
  std::string out();
  std::string err();

 private:
  int pid_ = -1;
  int stdin_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
  bool exited_ = false;
  int status_ = 0;
  std::thread reader_;
};

// The last word printed after `prefix` in `out` ("full id: ", "listening on "); empty when there is none.
std::string last_field(const std::string& out, const std::string& prefix);

}  // namespace telepane::test
