// SPDX-License-Identifier: Apache-2.0
// Layout (every table optional; kebab-case keys, like the rest of [tool.tpu-migrate]):
//   [tool.tpu-migrate.check]                     rtol, atol, warn-rtol, warn-atol, cosine-min,
//                                                warn-fraction: for every op and dtype
//   [tool.tpu-migrate.check.dtypes.float32]      the same keys, for one dtype
//   [tool.tpu-migrate.check.ops."aten::addmm"]   the same keys, plus level = "L0"|"L1"|"L2" and
//                                                skip = true, for one op (or "aten::add.Tensor")
//   [tool.tpu-migrate.check.ops."aten::addmm".bfloat16]   one op and one dtype
#include "checker/check_config.h"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "checker/dtype_info.h"
#include "opdb/targets.h"

namespace tpu::checker {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kToleranceKeys[] = {"rtol", "atol", "warn-rtol", "warn-atol", "cosine-min", "warn-fraction"};

struct Reader {
  fs::path file;
  std::string error;

  bool fail(const toml::node& node, const std::string& what) {
    if (error.empty()) {
      std::ostringstream out;
      out << file.string();
      if (node.source().begin.line) out << ":" << node.source().begin.line;
      out << ": " << what;
      error = out.str();
    }
    return false;
  }

  static bool is_tolerance_key(std::string_view key) {
    for (std::string_view known : kToleranceKeys)
      if (known == key) return true;
    return false;
  }

  bool number(const toml::node& node, const std::string& where, std::optional<double>& out) {
    if (auto value = node.value<double>()) {
      if (*value < 0) return fail(node, where + " must not be negative");
      out = *value;
      return true;
    }
    return fail(node, where + " must be a number");
  }

  bool tolerance_key(std::string_view key, const toml::node& node, const std::string& where, TolerancePatch& patch) {
    std::string path = where + "." + std::string(key);
    if (key == "rtol") return number(node, path, patch.rtol);
    if (key == "atol") return number(node, path, patch.atol);
    if (key == "warn-rtol") return number(node, path, patch.warn_rtol);
    if (key == "warn-atol") return number(node, path, patch.warn_atol);
    if (key == "cosine-min") return number(node, path, patch.cosine_min);
    if (key == "warn-fraction") return number(node, path, patch.warn_fraction);
    return fail(node, "unknown key " + path);
  }

  bool patch_table(const toml::table& table, const std::string& where, TolerancePatch& patch) {
    for (const auto& [key, node] : table)
      if (!tolerance_key(key.str(), node, where, patch)) return false;
    return true;
  }

  bool op_table(const std::string& name, const toml::table& table, const std::string& where, OpPolicy& policy) {
    for (const auto& [key, node] : table) {
      std::string_view k = key.str();
      if (is_tolerance_key(k)) {
        if (!tolerance_key(k, node, where, policy.all_dtypes)) return false;
      } else if (k == "level") {
        auto text = node.value<std::string>();
        auto level = text ? parse_level(*text) : std::nullopt;
        if (!level) return fail(node, where + ".level must be \"L0\", \"L1\" or \"L2\"");
        policy.level = level;
      } else if (k == "skip") {
        auto flag = node.value<bool>();
        if (!flag) return fail(node, where + ".skip must be true or false");
        policy.skip = *flag;
      } else if (const toml::table* sub = node.as_table(); sub && dtype_info(k)) {
        if (!patch_table(*sub, where + "." + std::string(k), policy.by_dtype[std::string(k)])) return false;
      } else {
        return fail(node, "unknown key " + where + "." + std::string(k) + " (for op " + name + ")");
      }
    }
    return true;
  }

  bool check_table(const toml::table& check, const std::string& where, ToleranceTable& out) {
    for (const auto& [key, node] : check) {
      std::string_view k = key.str();
      if (is_tolerance_key(k)) {
        if (!tolerance_key(k, node, where, out.global)) return false;
      } else if (k == "dtypes") {
        const toml::table* dtypes = node.as_table();
        if (!dtypes) return fail(node, where + ".dtypes must be a table");
        for (const auto& [dtype, sub] : *dtypes) {
          const toml::table* table = sub.as_table();
          if (!table || !dtype_info(dtype.str()))
            return fail(sub, where + ".dtypes." + std::string(dtype.str()) + ": not a dtype table");
          if (!patch_table(*table, where + ".dtypes." + std::string(dtype.str()), out.dtypes[std::string(dtype.str())]))
            return false;
        }
      } else if (k == "ops") {
        const toml::table* ops = node.as_table();
        if (!ops) return fail(node, where + ".ops must be a table");
        for (const auto& [op, sub] : *ops) {
          const toml::table* table = sub.as_table();
          std::string name(op.str());
          if (!table) return fail(sub, where + ".ops.\"" + name + "\" must be a table");
          if (!op_table(name, *table, where + ".ops.\"" + name + "\"", out.ops[name])) return false;
        }
      } else {
        return fail(node, "unknown key " + where + "." + std::string(k));
      }
    }
    return true;
  }
};

}  // namespace

ConfigResult parse_check_config_text(std::string_view text, const fs::path& file) {
  ConfigResult result;
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {
    std::ostringstream out;
    out << file.string() << ":" << error.source().begin.line << ": " << error.description();
    result.error = out.str();
    return result;
  }
  const bool pyproject = file.filename() == "pyproject.toml";
  const toml::table* base = &root;
  if (pyproject) {
    base = root["tool"]["tpu-migrate"].as_table();
    if (!base) return result;  // not ours
  }
  CheckConfig config;
  config.source = file;
  if (const toml::node* target = base->get("target")) {
    auto value = target->value<std::string>();
    if (!value || !opdb::is_tpu_target(*value)) {
      Reader reader{file, {}};
      reader.fail(*target, std::string(opdb::kTargetChoices));
      result.error = reader.error;
      return result;
    }
    config.target = *value;
  }
  const toml::node* check = base->get("check");
  if (check) {
    Reader reader{file, {}};
    const toml::table* table = check->as_table();
    std::string where = pyproject ? "tool.tpu-migrate.check" : "check";
    if (!table) {
      reader.fail(*check, where + " must be a table");
    } else {
      reader.check_table(*table, where, config.tolerances);
    }
    if (!reader.error.empty()) {
      result.error = reader.error;
      return result;
    }
  }
  result.config = std::move(config);
  return result;
}

ConfigResult parse_check_config(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {std::nullopt, file.string() + ": cannot read"};
  std::stringstream text;
  text << in.rdbuf();
  return parse_check_config_text(text.str(), file);
}

ConfigResult load_check_config(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (; !dir.empty(); dir = dir.parent_path()) {
    for (const char* name : {"tpu-migrate.toml", "pyproject.toml"}) {
      fs::path candidate = dir / name;
      if (!fs::is_regular_file(candidate, ec)) continue;
      ConfigResult parsed = parse_check_config(candidate);
      if (!parsed.error.empty() || parsed.config) return parsed;
    }
    if (dir == dir.parent_path()) break;
  }
  return {CheckConfig{}, ""};
}

}  // namespace tpu::checker
