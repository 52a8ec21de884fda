// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate rewrite PATH`: a unified diff of the mechanical fixes (nothing written), or
// `--apply` to write them; `--check` exits 1 when anything would change.
#include <algorithm>
#include <iostream>
#include <map>
#include <variant>

#include "analyzer/core/config.h"
#include "analyzer/rule_registry.h"
#include "cli/cache_options.h"
#include "cli/commands.h"
#include "opdb/targets.h"
#include "rewriter/rewrite.h"
#include "rewriter/unified_diff.h"

namespace tpu::cli {
namespace {

struct RewriteArguments {
  std::string path = ".";
  bool apply = false, check = false, unsafe_fixes = false, allow_dirty = false, no_ignore = false;
  std::string target, style = "portable";
  std::vector<std::string> select, ignore, include, exclude;
  CacheArguments cache;
};

void print_unfixed(const std::vector<rewriter::Unfixed>& unfixed) {
  if (unfixed.empty()) return;
  // Grouped by rule so that 30 Triton ops read as one line of work.
  std::map<std::pair<std::string, std::string>, std::vector<const rewriter::Unfixed*>> by_rule;
  for (const auto& item : unfixed) by_rule[{item.finding.rule, item.reason}].push_back(&item);
  std::cout << "\n# Not fixed mechanically (" << unfixed.size() << "): fix these by hand\n";
  for (const auto& [key, items] : by_rule) {
    const std::string& rule = key.first;
    const RuleMeta* meta = find_rule(rule);
    std::cout << "# " << rule << " " << (meta ? meta->name : "") << " (" << items.size() << "): "
              << items.front()->reason << "\n";
    if (meta) std::cout << "#   " << meta->tpu_way << "\n";
    size_t shown = 0;
    for (const auto* item : items) {
      if (shown++ == 5) {
        std::cout << "#   … and " << items.size() - 5 << " more\n";
        break;
      }
      std::cout << "#   " << item->finding.location.path << ":" << item->finding.location.line
                << ": " << item->finding.message << "\n";
    }
  }
}

int run_rewrite(const RewriteArguments& arguments) {
  std::error_code ec;
  if (!std::filesystem::exists(arguments.path, ec)) {
    std::cerr << "tpu-migrate: " << arguments.path << ": no such file or directory\n";
    return kExitError;
  }
  auto config_or_error = load_config(arguments.path);
  if (auto* error = std::get_if<InputError>(&config_or_error)) {
    std::cerr << "tpu-migrate: " << error->path << ":" << error->line << ": " << error->message << "\n";
    return kExitError;
  }
  const Config& config = std::get<Config>(config_or_error);
  rewriter::RewriteOptions options;
  options.target = !arguments.target.empty() ? arguments.target : config.target.value_or(std::string(opdb::kDefaultTarget));
  options.style = arguments.style == "direct" ? rewriter::Style::Direct : rewriter::Style::Portable;
  options.unsafe_fixes = arguments.unsafe_fixes;
  std::vector<std::string> ignore = config.ignore;
  ignore.insert(ignore.end(), arguments.ignore.begin(), arguments.ignore.end());
  options.filter = RuleFilter(arguments.select.empty() ? config.select : arguments.select, ignore);
  if (auto unknown = options.filter.unknown_entries(all_rules()); !unknown.empty()) {
    std::cerr << "tpu-migrate: unknown rule, prefix or category '" << unknown.front() << "'\n";
    return kExitError;
  }
  options.discovery.include = config.include;
  options.discovery.include.insert(options.discovery.include.end(), arguments.include.begin(), arguments.include.end());
  options.discovery.exclude = config.exclude;
  options.discovery.exclude.insert(options.discovery.exclude.end(), arguments.exclude.begin(), arguments.exclude.end());
  options.discovery.use_ignore_files = options.discovery.skip_default_folders = !arguments.no_ignore;
  options.cache = cache_options(arguments.cache);

  rewriter::RewritePlan plan = rewriter::plan_rewrite(arguments.path, options);
  size_t changed = 0;
  for (const auto& file : plan.files) {
    for (const std::string& note : file.notes) std::cerr << "tpu-migrate: " << file.path << ": " << note << "\n";
    if (file.after == file.before) continue;
    ++changed;
    if (!arguments.apply) std::cout << rewriter::unified_diff(file.path, file.before, file.after);
  }
  for (const std::string& leftover : plan.leftovers)
    std::cerr << "tpu-migrate: " << leftover << ": a temporary file left by an interrupted run; "
              << (arguments.apply ? "removed" : "--apply removes it") << "\n";
  if (!plan.cache_warning.empty()) std::cerr << "tpu-migrate: warning: " << plan.cache_warning << "\n";
  std::vector<InputError> errors = plan.errors;
  if (arguments.apply) {
    auto write_errors = rewriter::write_plan(arguments.path, plan, {arguments.allow_dirty});
    errors.insert(errors.end(), write_errors.begin(), write_errors.end());
  }
  for (const InputError& error : errors) {
    std::cerr << "tpu-migrate: " << error.path;
    if (error.line != 0) std::cerr << ":" << error.line;
    std::cerr << ": " << error.message << "\n";
  }
  if (arguments.apply) {
    // Only what reached the disk: a dirty or refused file's fixes were not applied.
    size_t written = 0, fixes = 0;
    for (const auto& file : plan.files) {
      if (file.refused || file.after == file.before) continue;
      ++written;
      fixes += file.fixes;
    }
    std::cout << "Applied " << fixes << " fix" << (fixes == 1 ? "" : "es") << " in " << written
              << " file" << (written == 1 ? "" : "s") << " (target " << options.target << ", "
              << arguments.style << " style)\n";
  }
  print_unfixed(plan.unfixed);
  bool write_failed = arguments.apply && std::any_of(plan.files.begin(), plan.files.end(), [](const auto& f) {
                        return f.refused && f.after != f.before;
                      });
  if (write_failed) return kExitError;
  if (arguments.check && changed > 0) return kExitGateFailed;
  return kExitOk;
}

}  // namespace

void add_rewrite_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<RewriteArguments>();
  CLI::App* rewrite = app.add_subcommand(
      "rewrite",
      "Fix what can be fixed mechanically: a unified diff by default, --apply to write.\n"
      "Examples:\n"
      "  tpu-migrate rewrite .                      show the diff (portable style, TorchTPU)\n"
      "  tpu-migrate rewrite . --apply              write it (files with uncommitted changes are skipped)\n"
      "  tpu-migrate rewrite . --style direct --target xla\n"
      "  tpu-migrate rewrite . --check              exit 1 if anything would change (CI)");
  rewrite->add_option("path", arguments->path, "File or folder (default: .)");
  rewrite->add_flag("--apply", arguments->apply, "Write the fixes (atomically) instead of printing a diff");
  rewrite->add_flag("--check", arguments->check, "Exit 1 when anything would change");
  rewrite->add_flag("--unsafe-fixes", arguments->unsafe_fixes, "Also apply fixes that may change behaviour");
  rewrite->add_flag("--allow-dirty", arguments->allow_dirty, "Also write files with uncommitted git changes");
  rewrite->add_option("--target", arguments->target, "torchtpu (TorchTPU, the default) or xla (PyTorch/XLA)")
      ->check(CLI::IsMember({"xla", "torchtpu"}));
  rewrite->add_option("--style", arguments->style,
                      "portable (default: runs on TPU, CUDA or CPU) or direct (the target's API only)")
      ->check(CLI::IsMember({"portable", "direct"}));
  rewrite->add_option("--select", arguments->select, "Only these rules")->delimiter(',');
  rewrite->add_option("--ignore", arguments->ignore, "Skip these rules")->delimiter(',');
  rewrite->add_option("--include", arguments->include, "Only files matching GLOB");
  rewrite->add_option("--exclude", arguments->exclude, "Skip files matching GLOB");
  rewrite->add_flag("--no-ignore", arguments->no_ignore, "Do not honour .gitignore/.ignore");
  add_cache_options(*rewrite, arguments->cache);
  rewrite->callback([arguments, &exit_code] { exit_code = run_rewrite(*arguments); });
}

}  // namespace tpu::cli
