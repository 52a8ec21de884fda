// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate scan PATH…`: discover, analyse, report.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <variant>

#include "analyzer/core/config.h"
#include "analyzer/scan.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "reports/json_report.h"
#include "reports/terminal_report.h"

namespace fs = std::filesystem;

namespace tpu::cli {
namespace {

struct ScanArguments {
  std::vector<std::string> paths;
  std::string format = "terminal";
  std::string output;
  std::vector<std::string> include, exclude, select, ignore;
  std::string target;
  unsigned jobs = 0;
  bool no_ignore = false;
  uint64_t max_file_size_mb = 10;
  std::string color = "auto";
};

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// Scans each path; results of several paths are merged with paths relative to the cwd.
ScanResult scan_paths(const ScanArguments& arguments, const ScanOptions& options) {
  ScanResult merged;
  bool prefix = arguments.paths.size() > 1;
  for (const std::string& path : arguments.paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      merged.errors.push_back(InputError{path, 0, "no such file or directory"});
      continue;
    }
    ScanResult one = scan(path, options);
    if (prefix) {
      std::string base = fs::is_directory(path, ec) ? fs::path(path).lexically_normal().generic_string()
                                                    : fs::path(path).parent_path().generic_string();
      while (!base.empty() && base.back() == '/') base.pop_back();
      auto rebase = [&](std::string& relative) {
        if (!base.empty() && base != ".") relative = base + "/" + relative;
      };
      for (Finding& finding : one.findings) rebase(finding.location.path);
      for (InputError& error : one.errors) rebase(error.path);
      for (OpUse& use : one.ops)
        for (Location& at : use.locations) rebase(at.path);
    }
    for (OpUse& use : one.ops) {
      auto same = std::find_if(merged.ops.begin(), merged.ops.end(),
                               [&](const OpUse& other) { return other.op == use.op; });
      if (same == merged.ops.end()) {
        merged.ops.push_back(std::move(use));
      } else {
        same->count += use.count;
        append(same->locations, use.locations);
      }
    }
    append(merged.findings, one.findings);
    append(merged.errors, one.errors);
    merged.files_scanned += one.files_scanned;
    merged.python_files += one.python_files;
    merged.cpp_files += one.cpp_files;
    merged.bytes_scanned += one.bytes_scanned;
  }
  std::sort(merged.ops.begin(), merged.ops.end(),
            [](const OpUse& a, const OpUse& b) { return a.op < b.op; });
  return merged;
}

int run_scan(ScanArguments arguments) {
  if (arguments.paths.empty()) arguments.paths.push_back(".");
  auto config_or_error = load_config(arguments.paths.front());
  if (auto* error = std::get_if<InputError>(&config_or_error)) {
    std::cerr << "tpu-migrate: " << error->path << ":" << error->line << ": " << error->message << "\n";
    return kExitError;
  }
  const Config& config = std::get<Config>(config_or_error);

  std::vector<std::string> select = arguments.select.empty() ? config.select : arguments.select;
  std::vector<std::string> ignore = config.ignore;
  append(ignore, arguments.ignore);
  ScanOptions options;
  options.filter = RuleFilter(select, ignore);
  if (auto unknown = options.filter.unknown_entries(); !unknown.empty()) {
    std::cerr << "tpu-migrate: unknown rule, prefix or category '" << unknown.front()
              << "' in --select/--ignore (see `tpu-migrate rules`)\n";
    return kExitError;
  }
  options.discovery.include = config.include;
  append(options.discovery.include, arguments.include);
  options.discovery.exclude = config.exclude;
  append(options.discovery.exclude, arguments.exclude);
  options.discovery.use_ignore_files = !arguments.no_ignore;
  options.discovery.skip_default_folders = !arguments.no_ignore;
  options.limits.max_bytes = arguments.max_file_size_mb * 1024 * 1024;
  options.jobs = arguments.jobs;

  reports::Report report;
  report.root = arguments.paths.size() == 1 ? arguments.paths.front() : ".";
  report.profile = !arguments.target.empty() ? arguments.target : config.target.value_or("xla");
  options.target = report.profile;
  if (report.profile != "xla" && report.profile != "torchtpu") report.target = report.profile;
  auto start = std::chrono::steady_clock::now();
  report.scan = scan_paths(arguments, options);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  reports::summarize(report);

  // Every input problem is one line on stderr, and an entry in the report's errors.
  for (const InputError& error : report.scan.errors) {
    std::cerr << "tpu-migrate: " << error.path;
    if (error.line != 0) std::cerr << ":" << error.line;
    std::cerr << ": " << error.message << "\n";
  }

  std::string text;
  if (arguments.format == "json") {
    text = reports::render_json(report);
  } else {
    reports::TerminalStyle style;
    bool to_terminal = arguments.output.empty() || arguments.output == "-";
    style.color = arguments.color == "always" ||
                  (arguments.color == "auto" && to_terminal && stdout_wants_color());
    text = reports::render_terminal(report, style);
  }
  if (std::string problem = write_output(arguments.output, text); !problem.empty()) {
    std::cerr << "tpu-migrate: " << problem << "\n";
    return kExitError;
  }
  size_t missing = 0;
  for (const std::string& path : arguments.paths)
    if (std::error_code ec; !fs::exists(path, ec)) ++missing;
  return missing == arguments.paths.size() ? kExitError : kExitOk;
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<ScanArguments>();
  CLI::App* scan = app.add_subcommand(
      "scan",
      "Find every tie to NVIDIA GPUs in a repository and score its readiness for TPUs.\n"
      "Examples:\n"
      "  tpu-migrate scan .\n"
      "  tpu-migrate scan src/ --exclude 'tests/**' --format json --output report.json\n"
      "  tpu-migrate scan . --select TPU1,distributed --ignore pin-memory");
  scan->add_option("paths", arguments->paths, "Files or folders to scan (default: .)");
  scan->add_option("--format,-f", arguments->format, "Output format")
      ->check(CLI::IsMember({"terminal", "json"}));
  scan->add_option("--output,-o", arguments->output, "Write the report to FILE instead of stdout");
  scan->add_option("--include", arguments->include, "Only scan files matching GLOB (repeatable)");
  scan->add_option("--exclude", arguments->exclude, "Skip files and folders matching GLOB (repeatable)");
  scan->add_option("--select", arguments->select,
                   "Only these rules: codes, code prefixes, names or categories")
      ->delimiter(',');
  scan->add_option("--ignore", arguments->ignore, "Skip these rules (same forms as --select)")
      ->delimiter(',');
  scan->add_option("--target", arguments->target,
                   "Target: xla (PyTorch/XLA, default) or torchtpu; for op coverage also ascend, "
                   "xpu, mps")
      ->check(CLI::IsMember({"xla", "torchtpu", "ascend", "xpu", "mps"}));
  scan->add_option("--jobs,-j", arguments->jobs, "Parallel jobs (default: all cores)");
  scan->add_flag("--no-ignore", arguments->no_ignore,
                 "Do not honour .gitignore/.ignore or skip virtualenvs and build folders");
  scan->add_option("--max-file-size", arguments->max_file_size_mb,
                   "Skip files larger than this many MiB (default 10)");
  scan->add_option("--color", arguments->color, "Colour the terminal report")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scan->callback([arguments, &exit_code] { exit_code = run_scan(*arguments); });
}

}  // namespace tpu::cli
