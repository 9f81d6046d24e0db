// plugin-template/'s files, embedded in the binary at build time.
#pragma once

#include <string>
#include <vector>

namespace telepane::app {

struct TemplateFile {
  std::string path;  // relative to the template root
  std::string content;
};

const std::vector<TemplateFile>& template_files();

}  // namespace telepane::app
