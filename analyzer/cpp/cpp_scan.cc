// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/cpp_scan.h"

#include <atomic>
#include <cstdio>
#include <chrono>
#include <optional>
#include <thread>
#include <variant>

#include "analyzer/cpp/bounded_run.h"
#include "analyzer/cpp/cpp_analyzer.h"
#include "analyzer/cpp/cpp_view.h"
#include "analyzer/cpp/deep_parser.h"
#include "analyzer/cpp/fast_parser.h"
#include "analyzer/cpp/parsed_tree.h"
#include "analyzer/cpp/work_dir.h"

namespace tpu::cpp {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Runs `job(i)` for i in [0, count) on `jobs` threads.
template <class Job>
void parallel_for(size_t count, unsigned jobs, Job&& job) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) job(i);
  };
  jobs = static_cast<unsigned>(std::min<size_t>(std::max(1u, jobs), std::max<size_t>(count, 1)));
  if (jobs <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> threads;
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
}

// Cheap test before lexing a file for attribute and tie macros: most files define none. Only
// the #define lines are searched (a kernel file uses blockIdx everywhere, but seldom defines
// a loop macro with it).
bool may_define_attribute_macros(std::string_view text) {
  static constexpr std::string_view kMarkers[] = {"__device__", "__global__", "__host__", "C10_HOST", "C10_DEVICE",
                                                  "GPU_LAMBDA", "blockIdx", "threadIdx", "is_cuda", "kCUDA",
                                                  "CHECK_CUDA"};
  for (size_t at = text.find("define"); at != std::string_view::npos; at = text.find("define", at + 6)) {
    size_t hash = text.find_last_not_of(" \t", at == 0 ? 0 : at - 1);
    if (at == 0 || hash == std::string_view::npos || text[hash] != '#') continue;
    size_t end = at;  // the logical line, continuations included
    while ((end = text.find('\n', end)) != std::string_view::npos && end > 0 &&
           (text[end - 1] == '\\' || (text[end - 1] == '\r' && end > 1 && text[end - 2] == '\\')))
      ++end;
    std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    for (std::string_view marker : kMarkers)
      if (line.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// Fast mode: one bounded parse per file, each worker thread with its own libclang index.
ParsedTree parse_fast(FastParser& parser, const SourceFile& file, const std::filesystem::path& absolute,
                      std::chrono::milliseconds bound, const std::shared_ptr<Stragglers>& stragglers,
                      std::shared_ptr<IndexPtr>& index) {
  ParsedTree tree;
  bool cuda = is_cuda_source(file.path(), file.text());
  if (std::string error = parser.prepare(cuda); !error.empty()) {
    tree.problem = error;
    return tree;
  }
  if (!index) index = std::make_shared<IndexPtr>(make_index());
  struct Job {
    std::shared_ptr<IndexPtr> index;
    std::string path, text;
    std::vector<std::string> args;
    AstFacts facts;
    std::string problem;
    uint32_t prefix = 0;
  };
  auto start = Clock::now();
  std::string declarations = cuda ? launched_kernel_declarations(file.text()) : std::string();
  auto job = std::make_shared<Job>(Job{index, absolute.string(), declarations + file.text(), parser.arguments(cuda),
                                       {}, {}, static_cast<uint32_t>(declarations.size())});
  bool finished = run_bounded(
      [job] { job->facts = parse_and_collect(job->index->get(), job->path, job->text, job->args,
                                             FastParser::options(), job->problem, job->prefix); },
      bound, stragglers);
  tree.ms = ms_since(start);
  if (!finished) {
    index.reset();  // still in use by the abandoned parse; the next file gets a fresh one
    tree.timed_out = true;
    tree.problem = "the parse ran past the per-file time bound";
    return tree;
  }
  tree.facts = std::move(job->facts);
  tree.problem = std::move(job->problem);
  return tree;
}

std::string seconds(std::chrono::milliseconds bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(bound.count()) / 1000.0);
  return text;
}

}  // namespace

std::filesystem::path find_compile_commands(const std::filesystem::path& root, const std::string& dir) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::is_directory(root, ec) ? root : root.parent_path();
  std::vector<std::filesystem::path> candidates;
  if (!dir.empty()) candidates.push_back(std::filesystem::path(dir) / "compile_commands.json");
  candidates.push_back(base / "compile_commands.json");
  candidates.push_back(base / "build" / "compile_commands.json");
  for (const auto& candidate : candidates)
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  return {};
}

CppScanOutcome scan_cpp(const std::vector<DiscoveredFile>& files, const std::filesystem::path& root,
                        const CppScanOptions& options) {
  CppScanOutcome outcome;
  outcome.files.resize(files.size());
  if (files.empty()) return outcome;

  // Read every file, and gather the tree's CUDA attribute macros before any structure is read.
  std::vector<std::optional<SourceFile>> sources(files.size());
  std::vector<AttributeMacros> macro_parts(files.size());
  parallel_for(files.size(), options.jobs, [&](size_t i) {
    auto read = SourceFile::read(files[i].absolute, files[i].relative, options.limits);
    if (auto* error = std::get_if<InputError>(&read)) {
      outcome.files[i].errors.push_back(std::move(*error));
      return;
    }
    sources[i].emplace(std::move(std::get<SourceFile>(read)));
    if (may_define_attribute_macros(sources[i]->text())) macro_parts[i].collect(lex(sources[i]->text()));
  });
  AttributeMacros macros;
  for (const AttributeMacros& part : macro_parts) {
    for (const auto& [name, bits] : part.flags) macros.flags[name] |= bits;
    for (const auto& [name, rule] : part.ties) macros.ties.emplace(name, rule);
  }

  std::filesystem::path database = find_compile_commands(root, options.compile_commands_dir);
  bool deep = options.mode == CppMode::Deep || (options.mode == CppMode::Auto && !database.empty());
  outcome.mode = deep ? "deep" : "fast";
  auto bound = std::chrono::milliseconds(options.file_timeout_ms != 0 ? options.file_timeout_ms
                                                                      : (deep ? 300000u : 10000u));
  auto stragglers = std::make_shared<Stragglers>();
  WorkDir work;

  auto finish = [&](size_t i, ParsedTree tree) {
    CppFileOutcome& out = outcome.files[i];
    const SourceFile& source = *sources[i];
    out.parse_ms = tree.ms;
    out.had_tree = tree.facts.available;
    if (tree.timed_out)
      out.errors.push_back({source.path(), 0,
                            "C++ parse ran past the per-file time bound (" + seconds(bound) +
                                "); its findings come from tokens only"});
    std::string no_tree = tree.timed_out ? "the parse ran past the per-file time bound" : tree.problem;
    CppAnalysis analysis = analyze_cpp(source, std::move(tree.facts), no_tree, deep, &macros);
    out.findings = std::move(analysis.findings);
    out.facts = std::move(analysis.facts);
    for (InputError& error : analysis.errors) out.errors.push_back(std::move(error));
    out.bytes = source.text().size();
    out.analysed = true;
    if (options.file_done) options.file_done();
  };

  if (!deep) {
    FastParser parser(work);
    std::mutex index_mutex;
    std::vector<std::shared_ptr<IndexPtr>> spare;  // one libclang index per worker thread
    parallel_for(files.size(), options.jobs, [&](size_t i) {
      if (!sources[i]) {
        if (options.file_done) options.file_done();
        return;
      }
      std::shared_ptr<IndexPtr> index;
      {
        std::lock_guard lock(index_mutex);
        if (!spare.empty()) {
          index = std::move(spare.back());
          spare.pop_back();
        }
      }
      ParsedTree tree = parse_fast(parser, *sources[i], files[i].absolute, bound, stragglers, index);
      if (index) {
        std::lock_guard lock(index_mutex);
        spare.push_back(std::move(index));
      }
      finish(i, std::move(tree));
    });
  } else {
    DeepOptions deep_options;
    deep_options.database = database;
    deep_options.include_dirs = options.include_dirs;
    deep_options.jobs = options.jobs;
    deep_options.bound = bound;
    std::vector<const SourceFile*> readable(files.size(), nullptr);
    for (size_t i = 0; i < files.size(); ++i)
      if (sources[i]) readable[i] = &*sources[i];
    DeepParse parse = parse_deep(files, readable, root, work, deep_options, stragglers,
                                 [&](size_t i, ParsedTree tree) { finish(i, std::move(tree)); });
    outcome.flags_source = parse.flags_source;
    outcome.errors = std::move(parse.errors);
    for (size_t i = 0; i < files.size(); ++i)
      if (!sources[i] && options.file_done) options.file_done();
  }
  // Give parses left past their bound a moment to finish, so that they do not outlive the
  // scan's temporary folder in normal runs; the report does not wait for them longer.
  stragglers->wait_for(std::chrono::milliseconds(2000));
  return outcome;
}

}  // namespace tpu::cpp
