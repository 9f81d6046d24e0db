#include "child_process.hpp"

#include <regex>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace telepane::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (auto eq = kv.find('='); eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : env) all[k] = v;
  std::vector<std::string> env_strings, args = argv;
  for (auto& [k, v] : all) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  const int rc = posix_spawnp(&pid_, argp[0], &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  stdin_ = in[1];
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  reader_ = std::thread([this, o = out[0], e = err[0]] {
    pollfd fds[2] = {{o, POLLIN, 0}, {e, POLLIN, 0}};
    int open = 2;
    char buf[4096];
    while (open > 0) {
      if (poll(fds, 2, -1) < 0) break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
        const ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open;
          continue;
        }
        std::lock_guard lock(mu_);
        (i == 0 ? out_ : err_).append(buf, std::size_t(n));
        cv_.notify_all();
      }
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    std::lock_guard lock(mu_);
    exited_ = true;
    status_ = status;
    cv_.notify_all();
  });
}

ChildProcess::~ChildProcess() {
  bool running = false;
  {
    std::lock_guard lock(mu_);
    running = !exited_;
  }
  if (running) kill(pid_, SIGKILL);
  close_stdin();
  reader_.join();
}

void ChildProcess::write(const std::string& text) {
  if (stdin_ >= 0 && ::write(stdin_, text.data(), text.size()) != ssize_t(text.size()))
    throw std::runtime_error("cannot write to the child's stdin");
}

void ChildProcess::close_stdin() {
  if (stdin_ >= 0) close(stdin_);
  stdin_ = -1;
}

bool ChildProcess::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return out_.find(text) != std::string::npos || exited_; }) &&
         out_.find(text) != std::string::npos;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return exited_; })) return std::nullopt;
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

void ChildProcess::signal(int sig) {
  kill(pid_, sig);
}

std::string ChildProcess::out() {
  std::lock_guard lock(mu_);
  return out_;
}

std::string ChildProcess::err() {
  std::lock_guard lock(mu_);
  return err_;
}

std::string last_field(const std::string& out, const std::string& prefix) {
  const std::regex re(prefix + "(\\S+)");
  std::string last;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it) last = (*it)[1];
  return last;
}

}  // namespace telepane::test
