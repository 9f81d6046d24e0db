// Hex for the published test vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace telepane::noise::test {

inline std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(uint8_t(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace telepane::noise::test
