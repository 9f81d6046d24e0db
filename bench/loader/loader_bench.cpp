// Loading N plugins: Telepane's loader (trust checks, dlopen, descriptor checks, dependency resolution, host
// tables, on_load) against the floor, a bare dlopen + dlsym + entry call of the same files. Each run is a fresh
// child process, so nothing is already mapped; runs alternate between the two so both see the same machine.
//
//   loader_bench [--plugins N] [--runs R]
#include <telepane/core/plugins/plugin_manager.hpp>

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {
double telepane_load(const fs::path& dir) {
  telepane::core::Logger logger([](telepane::core::LogLevel, const std::string&) {}, telepane::core::LogLevel::Error);
  telepane::core::ThreadPool pool(2);
  telepane::core::EventBus bus(logger);
  const auto t0 = clock_type::now();
  telepane::core::plugins::PluginManager manager({logger, bus, pool});
  manager.discover({dir.string()});
  manager.load({}, [](const std::string&) { return telepane::core::config::Value::map({}); });
  const auto t1 = clock_type::now();
  for (auto& r : manager.plugins())
    if (r->state != telepane::core::plugins::PluginState::Loaded) std::_Exit(3);
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

double bare_dlopen(const fs::path& dir) {
  const auto t0 = clock_type::now();
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    void* h = dlopen(f.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) std::_Exit(3);
    auto entry = reinterpret_cast<const tp_plugin_desc* (*)(uint16_t, uint16_t)>(dlsym(h, "tp_plugin_entry"));
    if (entry == nullptr || entry(TP_ABI_MAJOR, TP_ABI_MINOR) == nullptr) std::_Exit(3);
  }
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// Runs fn in a child process and returns the milliseconds it reports.
double in_child(double (*fn)(const fs::path&), const fs::path& dir) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(2);
  const pid_t pid = fork();
  if (pid == 0) {
    const double ms = fn(dir);
    if (write(fds[1], &ms, sizeof ms) != sizeof ms) std::_Exit(4);
    std::_Exit(0);
  }
  close(fds[1]);
  double ms = -1;
  if (read(fds[0], &ms, sizeof ms) != sizeof ms) ms = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "a benchmark child failed (status %d)\n", status);
    std::exit(1);
  }
  return ms;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
}  // namespace

int main(int argc, char** argv) {
  int plugins = 50, runs = 21;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--plugins") == 0) plugins = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  char templ[] = "/tmp/telepane-loader-bench-XXXXXX";
  if (mkdtemp(templ) == nullptr) return 2;
  const fs::path dir = templ;
  for (int i = 0; i < plugins; ++i)
    fs::copy_file(TELEPANE_BENCH_PLUGIN, dir / ("bench-plugin-" + std::to_string(i) + ".so"));

  std::vector<double> ours, floor;
  for (int r = 0; r < runs; ++r) {
    ours.push_back(in_child(telepane_load, dir));
    floor.push_back(in_child(bare_dlopen, dir));
  }
  fs::remove_all(dir);
  const double m_ours = median(ours), m_floor = median(floor);
  std::printf("loading %d plugins, median of %d runs (fresh process each)\n", plugins, runs);
  std::printf("  telepane loader:          %8.2f ms  (%.1f us a plugin)\n", m_ours, m_ours * 1000 / plugins);
  std::printf("  bare dlopen+dlsym+entry:  %8.2f ms\n", m_floor);
  std::printf("  ratio telepane/bare:      %8.2fx\n", m_ours / m_floor);
  return 0;
}
