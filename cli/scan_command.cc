// SPDX-License-Identifier: Apache-2.0
// `tpu-migrate scan PATH…`: discover, analyse, report, and gate (exit 1) when asked to.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <variant>

#include "analyzer/core/config.h"
#include "analyzer/rule_registry.h"
#include "analyzer/scan.h"
#include "cli/cache_options.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "opdb/targets.h"
#include "reports/source_context.h"
#include "rewriter/scan_fix_edits.h"
#include "trace/trace_merge.h"

namespace fs = std::filesystem;

namespace tpu::cli {
namespace {

struct ScanArguments {
  std::vector<std::string> paths;
  OutputRequest output;
  GateRequest gate;
  std::vector<std::string> include, exclude, select, ignore;
  std::string target, style = "portable";
  unsigned jobs = 0;
  bool no_ignore = false;
  uint64_t max_file_size_mb = 10;
  // The C++/CUDA front end.
  bool cpp_deep = false, cpp_fast = false;
  std::string compile_commands_dir;
  double cpp_timeout_seconds = 0;
  std::vector<std::string> cpp_include;
  // Traces (tpu-migrate trace --out DIR) to fold into the report.
  std::vector<std::string> traces;
  CacheArguments cache;
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
    // With several paths, each result's paths become relative to the working directory.
    std::string base;
    if (prefix) {
      base = fs::is_directory(path, ec) ? fs::path(path).lexically_normal().generic_string()
                                        : fs::path(path).parent_path().generic_string();
      while (!base.empty() && base.back() == '/') base.pop_back();
      if (base == ".") base.clear();
    }
    auto rebase = [&](std::string& relative) {
      if (!base.empty()) relative = base + "/" + relative;
    };
    for (Finding& finding : one.findings) rebase(finding.location.path);
    for (InputError& error : one.errors) rebase(error.path);
    for (OpUse& use : one.ops)
      for (Location& at : use.locations) rebase(at.path);
    cpp::append_inventory(merged.inventory, std::move(one.inventory), rebase);
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
    if (merged.cache_warning.empty()) merged.cache_warning = one.cache_warning;
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

// The scan's target: --target, else the configuration's, else the baseline's (a baseline written
// for PyTorch/XLA, the default before TorchTPU, keeps accepting its findings), else the default.
// Says on stderr when the baseline decides, or when it was written for another target.
std::string choose_target(const ScanArguments& arguments, const Config& config,
                          const std::optional<reports::Baseline>& baseline) {
  std::string chosen = !arguments.target.empty() ? arguments.target : config.target.value_or("");
  if (baseline && chosen.empty() && baseline->target != opdb::kDefaultTarget) {
    std::cerr << "tpu-migrate: note: " << arguments.gate.baseline << " was written for "
              << opdb::target_display_name(baseline->target) << " (--target " << baseline->target
              << "); scanning for it. The default target is now " << opdb::target_display_name(opdb::kDefaultTarget)
              << ": pass --target " << opdb::kDefaultTarget << " with --write-baseline to move the baseline to it\n";
    return baseline->target;
  }
  if (chosen.empty()) chosen = opdb::kDefaultTarget;
  if (baseline && baseline->target != chosen)
    std::cerr << "tpu-migrate: note: " << arguments.gate.baseline << " was written for "
              << opdb::target_display_name(baseline->target) << ", this scan is for "
              << opdb::target_display_name(chosen) << ": findings that differ between the targets count as new\n";
  return chosen;
}

int run_scan(ScanArguments arguments) {
  if (arguments.paths.empty()) arguments.paths.push_back(".");
  // Usage problems and a bad baseline fail before the scan, not after it.
  std::optional<reports::Baseline> baseline;
  if (!check_requests(arguments.output, arguments.gate, baseline)) return kExitError;
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
  if (auto unknown = options.filter.unknown_entries(all_rules()); !unknown.empty()) {
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
  if (arguments.cpp_deep) options.cpp_mode = cpp::CppMode::Deep;
  if (arguments.cpp_fast) options.cpp_mode = cpp::CppMode::Fast;
  options.compile_commands_dir = arguments.compile_commands_dir;
  options.cpp_file_timeout_ms = static_cast<uint32_t>(arguments.cpp_timeout_seconds * 1000);
  options.cpp_include_dirs = arguments.cpp_include;
  options.cache = cache_options(arguments.cache);

  reports::Report report;
  report.root = arguments.paths.size() == 1 ? arguments.paths.front() : ".";
  report.profile = choose_target(arguments, config, baseline);
  options.target = report.profile;
  options.fix_style = arguments.style;
  if (report.profile != opdb::kXlaTarget && report.profile != opdb::kTorchTpuTarget) report.target = report.profile;
  ProgressMeter progress;
  options.progress = progress.callback();
  auto start = std::chrono::steady_clock::now();
  report.scan = scan_paths(arguments, options);
  progress.finish();
  // A trace adds its ops with exact counts, and findings where fallback ops and hazards ran.
  for (const std::string& trace : arguments.traces)
    runtime::merge_trace(report.scan, runtime::load_trace(trace),
                         runtime::TraceMergeOptions{.target = options.target, .root = report.root,
                                                    .label = trace, .filter = &options.filter});
  // The reports that carry fix edits get them now, after the (cached) scan; the others, the
  // terminal's included, never pay for them.
  if (wants_fix_edits(arguments.output))
    rewriter::attach_scan_fix_edits(
        report.scan.findings, reports::source_base(report.root),
        rewriter::FixOptions{report.profile == opdb::kXlaTarget ? std::string(opdb::kXlaTarget)
                                                                : std::string(opdb::kDefaultTarget),
                             arguments.style == "direct" ? rewriter::Style::Direct : rewriter::Style::Portable},
        options.limits, arguments.jobs);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  reports::summarize(report);
  report.numerics = arguments.output.numerics;
  // Fingerprints (JSON, SARIF, baselines) need each finding's line; excerpts only for HTML.
  if (wants_sources(arguments.output, arguments.gate))
    reports::attach_sources(report, reports::SourceOptions{.excerpts = wants_excerpts(arguments.output),
                                                           .jobs = arguments.jobs});

  // The results are complete without the cache: a cache that cannot be written is one warning.
  if (!report.scan.cache_warning.empty()) std::cerr << "tpu-migrate: warning: " << report.scan.cache_warning << "\n";
  // Every input problem is one line on stderr, and an entry in the report's errors.
  for (const InputError& error : report.scan.errors) {
    std::cerr << "tpu-migrate: " << error.path;
    if (error.line != 0) std::cerr << ":" << error.line;
    std::cerr << ": " << error.message << "\n";
  }

  if (int code = apply_baseline_options(report, arguments.gate, baseline); code != kExitOk) return code;
  if (int code = emit_reports(report, arguments.output); code != kExitOk) return code;
  size_t missing = 0;
  for (const std::string& path : arguments.paths)
    if (std::error_code ec; !fs::exists(path, ec)) ++missing;
  if (missing == arguments.paths.size()) return kExitError;
  return check_gate(report, arguments.gate);
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
      "  tpu-migrate scan . --select TPU1,distributed --ignore pin-memory\n"
      "  tpu-migrate scan . --fail-under 60 --fail-on blocker\n"
      "  tpu-migrate scan . --write-baseline tpu-migrate-baseline.json\n"
      "  tpu-migrate scan . --baseline tpu-migrate-baseline.json --format github\n"
      "  tpu-migrate scan . --format json,sarif,html --output-dir reports/\n"
      "Exit codes: 0 done (gate passed), 1 the gate failed, 2 usage or fatal error.");
  scan->add_option("paths", arguments->paths, "Files or folders to scan (default: .)");
  add_output_options(*scan, arguments->output);
  add_gate_options(*scan, arguments->gate);
  scan->add_option("--include", arguments->include, "Only scan files matching GLOB (repeatable)");
  scan->add_option("--exclude", arguments->exclude, "Skip files and folders matching GLOB (repeatable)");
  scan->add_option("--select", arguments->select,
                   "Only these rules: codes, code prefixes, names or categories")
      ->delimiter(',');
  scan->add_option("--ignore", arguments->ignore, "Skip these rules (same forms as --select)")
      ->delimiter(',');
  scan->add_option("--target", arguments->target,
                   "Target: torchtpu (TorchTPU, the default) or xla (PyTorch/XLA); for op coverage "
                   "also ascend, xpu, mps")
      ->check(CLI::IsMember({"xla", "torchtpu", "ascend", "xpu", "mps"}));
  scan->add_option("--style", arguments->style,
                   "Style of the fixes the findings show, and of their edits in JSON and SARIF (as "
                   "`rewrite --style`): portable (default) or direct")
      ->check(CLI::IsMember({"portable", "direct"}));
  scan->add_option("--jobs,-j", arguments->jobs, "Parallel jobs (default: all cores)");
  scan->add_flag("--no-ignore", arguments->no_ignore,
                 "Do not honour .gitignore/.ignore or skip virtualenvs and build folders");
  scan->add_option("--max-file-size", arguments->max_file_size_mb,
                   "Skip files larger than this many MiB (default 10)");
  scan->add_option("--trace", arguments->traces,
                   "Merge a trace folder written by `tpu-migrate trace --out DIR`: exact op counts, "
                   "and findings where fallback ops and runtime hazards ran (repeatable)")
      ->check(CLI::ExistingPath);
  CLI::Option* deep = scan->add_flag(
      "--cpp-deep", arguments->cpp_deep,
      "Parse C++/CUDA with the real flags and headers (compile_commands.json, or inferred)");
  scan->add_flag("--cpp-fast", arguments->cpp_fast,
                 "Parse C++/CUDA without reading headers, even when a compile_commands.json exists")
      ->excludes(deep);
  scan->add_option("-p,--compile-commands-dir", arguments->compile_commands_dir,
                   "Folder holding compile_commands.json (default: the root, then build/)")
      ->check(CLI::ExistingDirectory);
  scan->add_option("--cpp-timeout", arguments->cpp_timeout_seconds,
                   "Seconds allowed to parse one C++/CUDA file (default 10 fast, 300 deep)")
      ->check(CLI::PositiveNumber);
  scan->add_option("--cpp-include", arguments->cpp_include,
                   "Extra include folder for --cpp-deep (repeatable)");
  add_cache_options(*scan, arguments->cache);
  scan->callback([arguments, &exit_code] { exit_code = run_scan(*arguments); });
}

}  // namespace tpu::cli
