#include "desktop/address_book.hpp"

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>

namespace telepane::app {

AddressBook::AddressBook(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return;
  try {
    const YAML::Node root = YAML::LoadFile(file_.string());
    for (const auto& n : root["peers"]) {
      BookEntry e;
      e.id = n["id"].as<std::string>();
      if (n["name"]) e.name = n["name"].as<std::string>();
      if (n["tags"]) e.tags = n["tags"].as<std::string>();
      if (n["last"]) e.last = n["last"].as<int64_t>();
      entries_.push_back(std::move(e));
    }
  } catch (const std::exception& e) {
    entries_.clear();
    problem_ = file_.string() + ": " + e.what();
  }
}

void AddressBook::touch(const std::string& id) {
  std::lock_guard lock(mu_);
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](auto& e) { return e.id == id; });
  if (it == entries_.end()) {
    entries_.push_back({id, "", "", now});
  } else {
    it->last = now;
  }
  write();
}

void AddressBook::save(const BookEntry& entry) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](auto& e) { return e.id == entry.id; });
  if (it == entries_.end()) {
    entries_.push_back({entry.id, entry.name, entry.tags, 0});
  } else {
    it->name = entry.name;
    it->tags = entry.tags;
  }
  write();
}

void AddressBook::remove(const std::string& id) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](auto& e) { return e.id == id; });
  write();
}

std::vector<BookEntry> AddressBook::entries() {
  std::lock_guard lock(mu_);
  auto out = entries_;
  std::stable_sort(out.begin(), out.end(), [](const BookEntry& a, const BookEntry& b) {
    if (a.name.empty() != b.name.empty()) return !a.name.empty();
    if (!a.name.empty()) return a.name < b.name;
    return a.last > b.last;
  });
  return out;
}

std::string AddressBook::to_json() {
  nlohmann::json list = nlohmann::json::array();
  for (auto& e : entries()) list.push_back({{"id", e.id}, {"name", e.name}, {"tags", e.tags}, {"last", e.last}});
  std::lock_guard lock(mu_);
  return nlohmann::json{{"entries", list}, {"file", file_.string()}, {"problem", problem_}}.dump();
}

void AddressBook::write() {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "peers" << YAML::Value << YAML::BeginSeq;
  for (auto& e : entries_) {
    // Quoted: an ID is digits, and a YAML reader must not take "012345678" for a number.
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << e.id;
    if (!e.name.empty()) out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << e.name;
    if (!e.tags.empty()) out << YAML::Key << "tags" << YAML::Value << YAML::DoubleQuoted << e.tags;
    if (e.last != 0) out << YAML::Key << "last" << YAML::Value << e.last;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  const auto tmp = file_.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << "# Telepane address book and recent sessions (the desktop app keeps this file)\n" << out.c_str() << "\n";
    if (!f) {
      problem_ = "cannot write " + tmp;
      return;
    }
  }
  std::filesystem::rename(tmp, file_, ec);
  problem_ = ec ? "cannot write " + file_.string() + ": " + ec.message() : "";
}

}  // namespace telepane::app
