// SPDX-License-Identifier: Apache-2.0
#include "analyzer/core/config.h"
#include "opdb/targets.h"

#include <toml++/toml.h>

namespace fs = std::filesystem;

namespace tpu {
namespace {

// Reads `key` as a list of strings; a lone string is accepted as a one-element list.
std::optional<std::string> read_string_list(const toml::table& table, std::string_view key,
                                            std::vector<std::string>& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (auto value = node->value<std::string>()) {
    out.push_back(*value);
    return std::nullopt;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) return "'" + std::string(key) + "' must be a list of strings";
  for (const toml::node& element : *array) {
    auto value = element.value<std::string>();
    if (!value) return "'" + std::string(key) + "' must be a list of strings";
    out.push_back(*value);
  }
  return std::nullopt;
}

}  // namespace

std::variant<std::optional<Config>, InputError> parse_config_file(const fs::path& file) {
  toml::table document;
  try {
    document = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    return InputError{file.string(), static_cast<uint32_t>(error.source().begin.line),
                      "invalid TOML: " + std::string(error.description())};
  }
  const toml::table* table = &document;
  if (file.filename() == "pyproject.toml") {
    table = document["tool"]["tpu-migrate"].as_table();
    if (table == nullptr) return std::optional<Config>{};
  }
  Config config;
  config.source = file;
  for (auto [key, field] : {std::pair{"select", &config.select}, {"ignore", &config.ignore},
                            {"exclude", &config.exclude}, {"include", &config.include}}) {
    if (auto problem = read_string_list(*table, key, *field)) {
      const toml::node* node = table->get(key);
      return InputError{file.string(), static_cast<uint32_t>(node->source().begin.line), *problem};
    }
  }
  if (const toml::node* node = table->get("target")) {
    auto value = node->value<std::string>();
    if (!value || !opdb::is_tpu_target(*value))
      return InputError{file.string(), static_cast<uint32_t>(node->source().begin.line),
                        std::string(opdb::kTargetChoices)};
    config.target = *value;
  }
  return std::optional<Config>{std::move(config)};
}

std::variant<Config, InputError> load_config(const fs::path& root) {
  std::error_code ec;
  fs::path dir = fs::absolute(root, ec);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (; !dir.empty(); dir = dir.parent_path()) {
    for (const char* name : {"tpu-migrate.toml", "pyproject.toml"}) {
      fs::path candidate = dir / name;
      if (!fs::is_regular_file(candidate, ec)) continue;
      auto parsed = parse_config_file(candidate);
      if (auto* error = std::get_if<InputError>(&parsed)) return *error;
      if (auto& config = std::get<std::optional<Config>>(parsed)) return *config;
    }
    if (dir == dir.parent_path()) break;
  }
  return Config{};
}

}  // namespace tpu
