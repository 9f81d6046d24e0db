// telepane plugin new NAME --kind KIND [--dir DIR] [--id ID]
#include "commands.hpp"
#include "scaffold/scaffold.hpp"

#include <iostream>

namespace telepane::app {

int plugin_new_command(const CliOptions& opts) {
  const auto& w = opts.words;
  if (w.size() != 3 || w[1] != "new") throw UsageError("expected 'plugin new NAME --kind KIND [--dir DIR]'");
  if (opts.kind.empty()) throw UsageError("plugin new needs --kind (codec or capture)");
  if (!scaffold_supports(opts.kind))
    throw UsageError("--kind '" + opts.kind + "': the template has sources for codec and capture plugins");
  ScaffoldRequest req{w[2], opts.kind, opts.id, opts.dir.empty() ? w[2] : opts.dir};
  if (req.id.empty()) req.id = "com.example." + opts.kind + "." + w[2];
  try {
    scaffold_plugin(req);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << "created " << req.dir << ": plugin " << req.id << "\n"
            << "build it:  cmake -S " << req.dir << " -B " << req.dir << "/build -G Ninja"
            << " -DCMAKE_PREFIX_PATH=<telepane install prefix> && cmake --build " << req.dir << "/build\n";
  return kExitOk;
}

}  // namespace telepane::app
