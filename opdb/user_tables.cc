// SPDX-License-Identifier: Apache-2.0
// Finds, reads and writes the user's synced status tables.

#include "opdb/user_tables.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "opdb/table_reader.h"

namespace tpu::opdb {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "status_";
constexpr std::string_view kSuffix = ".tsv";

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<fs::path> user_data_dir() {
  if (auto dir = env("TPU_MIGRATE_DATA_DIR")) return fs::path(*dir);
  if (auto xdg = env("XDG_DATA_HOME"); xdg && fs::path(*xdg).is_absolute()) return fs::path(*xdg) / "tpu-migrate";
  if (auto home = env("HOME")) return fs::path(*home) / ".local" / "share" / "tpu-migrate";
  return std::nullopt;
}

fs::path user_table_path(const fs::path& dir, std::string_view target) {
  return dir / (std::string(kPrefix) + std::string(target) + std::string(kSuffix));
}

bool valid_target_name(std::string_view target) {
  if (target.empty() || target.size() > 40 || target.front() < 'a' || target.front() > 'z') return false;
  return std::all_of(target.begin(), target.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<UserTable> read_user_tables(const fs::path& dir, std::vector<std::string>& errors) {
  std::vector<UserTable> tables;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return tables;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) continue;
    std::string target = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
    if (!valid_target_name(target)) {
      errors.push_back(item.path().string() + ": `" + target + "` is no valid target name; skipped");
      continue;
    }
    std::ifstream in(item.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      errors.push_back(item.path().string() + ": cannot be read; skipped");
      continue;
    }
    tables.push_back(UserTable{std::move(target), item.path(), std::move(text).str()});
  }
  if (ec) errors.push_back(dir.string() + ": " + ec.message());
  std::sort(tables.begin(), tables.end(), [](const UserTable& a, const UserTable& b) { return a.target < b.target; });
  return tables;
}

bool write_user_table(const fs::path& dir, std::string_view target, std::string_view text, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + ": " + ec.message();
    return false;
  }
  const fs::path path = user_table_path(dir, target);
  // Same folder, so the rename is atomic: a scan running meanwhile reads the old or the new table.
  const fs::path temporary = path.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      fs::remove(temporary, ec);
      error = "cannot write " + temporary.string();
      return false;
    }
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    error = "cannot rename " + temporary.string() + " to " + path.string() + ": " + ec.message();
    fs::remove(temporary, ec);
    return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> synced_header(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos < text.size() && text[pos] == '#') {  // the header is the leading run of `#` lines
    size_t end = std::min(text.find('\n', pos), text.size());
    split_into(text.substr(pos, end - pos), '\t', fields);
    if (fields.size() == 3 && fields[0] == "#synced") out.emplace_back(fields[1], fields[2]);
    pos = end + 1;
  }
  return out;
}

}  // namespace tpu::opdb
