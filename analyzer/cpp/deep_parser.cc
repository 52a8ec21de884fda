// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/deep_parser.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "analyzer/cpp/compile_flags.h"
#include "analyzer/cpp/cpp_view.h"
#include "analyzer/cpp/lexer.h"
#include "analyzer/cpp/libclang.h"

namespace fs = std::filesystem;

namespace tpu::cpp {
namespace {

using Clock = std::chrono::steady_clock;

struct Group {
  std::vector<size_t> members;
  std::vector<std::string> args;
  std::string preamble;
  fs::path anchor;  ///< an empty file on disk: libclang reuses a preamble only for a real main file
};

// One translation unit (and its index), owned jointly by the group and the parse running on
// it, so that a parse abandoned past its bound keeps what it uses alive.
struct Unit {
  IndexPtr index = make_index();
  UnitPtr unit;
};

constexpr unsigned kOptions = CXTranslationUnit_KeepGoing | CXTranslationUnit_PrecompiledPreamble |
                              CXTranslationUnit_CreatePreambleOnFirstParse |
                              // Header function bodies are what makes a torch preamble slow
                              // to use; the main file's bodies are kept.
                              CXTranslationUnit_SkipFunctionBodies |
                              CXTranslationUnit_LimitSkipFunctionBodiesToPreamble |
                              CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;

std::string escaped(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

// Parses (or reparses) `buffer` as the group's anchor; returns the facts of the file part.
AstFacts parse_member(Unit& u, const Group& group, const std::string& buffer, uint32_t prefix, uint32_t size,
                      std::string& problem) {
  std::vector<UnsavedFile> unsaved{{group.anchor.string(), buffer}};
  std::vector<CXUnsavedFile> files = as_unsaved(unsaved);
  if (u.unit) {
    int failed = clang_reparseTranslationUnit(u.unit.get(), static_cast<unsigned>(files.size()), files.data(),
                                              clang_defaultReparseOptions(u.unit.get()));
    if (failed != 0) u.unit.reset();  // the unit is unusable after a failed reparse
  }
  if (!u.unit) {
    std::vector<const char*> argv = as_argv(group.args);
    CXTranslationUnit unit = nullptr;
    CXErrorCode code = clang_parseTranslationUnit2(u.index.get(), group.anchor.c_str(), argv.data(),
                                                   static_cast<int>(argv.size()), files.data(),
                                                   static_cast<unsigned>(files.size()), kOptions, &unit);
    if (code != CXError_Success || unit == nullptr) {
      problem = code == CXError_Crashed ? "libclang crashed on this file" : "libclang could not parse this file";
      return {};
    }
    u.unit.reset(unit);
  }
  return collect_ast_facts(u.unit.get(), prefix, size, /*typed=*/true);
}

void parse_group(const Group& group, const std::vector<const SourceFile*>& sources, const DeepOptions& options,
                 const std::shared_ptr<Stragglers>& stragglers, const std::function<void(size_t, ParsedTree)>& each) {
  auto shared_group = std::make_shared<const Group>(group);  // outlives a parse abandoned past its bound
  auto unit = std::make_shared<Unit>();
  for (size_t member : group.members) {
    const SourceFile& source = *sources[member];
    struct Job {
      std::shared_ptr<Unit> unit;
      std::shared_ptr<const Group> group;
      std::string buffer;
      uint32_t prefix, size;
      AstFacts facts;
      std::string problem;
    };
    std::string head = group.preamble + "\n;\n#line 1 \"" + escaped(source.path()) + "\"\n";
    auto job = std::make_shared<Job>(Job{unit, shared_group, head + source.text(), static_cast<uint32_t>(head.size()),
                                         static_cast<uint32_t>(source.text().size()), {}, {}});
    auto start = Clock::now();
    bool finished = run_bounded(
        [job] { job->facts = parse_member(*job->unit, *job->group, job->buffer, job->prefix, job->size, job->problem); },
        options.bound, stragglers);
    ParsedTree tree;
    tree.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (finished) {
      tree.facts = std::move(job->facts);
      tree.problem = std::move(job->problem);
    } else {
      tree.timed_out = true;
      tree.problem = "the parse ran past the per-file time bound";
      unit = std::make_shared<Unit>();  // the abandoned parse keeps the old one
    }
    each(member, std::move(tree));
  }
}

bool is_guard(const LexedFile& lexed) {
  const auto& d = lexed.directives;
  return d.size() >= 2 && d[0].kind == DirectiveKind::Ifndef && d[1].kind == DirectiveKind::Define &&
         d[0].name == d[1].name;
}

}  // namespace

std::string shared_preamble(const std::vector<const SourceFile*>& members) {
  std::vector<std::string> lines;
  std::set<std::string> seen;
  for (const SourceFile* member : members) {
    LexedFile lexed = lex(member->text());
    unsigned top = is_guard(lexed) ? 1 : 0;  // a header's include guard is not a condition
    for (const Directive& d : lexed.directives) {
      if (d.kind != DirectiveKind::Include || !d.angled || d.depth > top || d.branch != Branch::Active) continue;
      std::string line = "#include <" + std::string(d.name) + ">";
      if (seen.insert(line).second) lines.push_back(line);
    }
  }
  std::string preamble;
  for (const std::string& line : lines) preamble += line + "\n";
  return preamble;
}

DeepParse parse_deep(const std::vector<DiscoveredFile>& files, const std::vector<const SourceFile*>& sources,
                     const fs::path& root, const WorkDir& work, const DeepOptions& options,
                     const std::shared_ptr<Stragglers>& stragglers,
                     const std::function<void(size_t, ParsedTree)>& each) {
  DeepParse result;
  CompileFlags flags(root, options.database, files, options.include_dirs, work);
  result.flags_source = flags.source();

  // Files with the same flags share a group (and its preamble) whatever their folder: each
  // folder's quoted includes stay reachable through one -iquote per member folder.
  std::map<std::string, size_t> by_key;
  std::vector<Group> groups;
  std::vector<std::set<std::string>> folders;
  for (size_t i = 0; i < files.size(); ++i) {
    if (sources[i] == nullptr) continue;
    bool cuda = is_cuda_source(sources[i]->path(), sources[i]->text());
    std::vector<std::string> args = flags.arguments(files[i], cuda);
    std::string folder;
    for (size_t a = 0; a + 1 < args.size(); ++a)
      if (args[a] == "-iquote" && args[a + 1] == files[i].absolute.parent_path().string()) {
        folder = args[a + 1];
        args.erase(args.begin() + static_cast<long>(a), args.begin() + static_cast<long>(a) + 2);
        break;
      }
    std::string key;
    for (const std::string& arg : args) key += arg + '\x1f';
    auto [it, added] = by_key.try_emplace(key, groups.size());
    if (added) {
      groups.push_back({{}, std::move(args), {}, {}});
      folders.emplace_back();
    }
    groups[it->second].members.push_back(i);
    if (!folder.empty()) folders[it->second].insert(folder);
  }
  for (size_t g = 0; g < groups.size(); ++g)
    for (const std::string& folder : folders[g]) {
      groups[g].args.push_back("-iquote");
      groups[g].args.push_back(folder);
    }
  // With fewer groups than workers, halve the biggest: a second preamble costs about as much
  // as twenty reparses, so only groups larger than that are split.
  unsigned jobs = std::max(1u, options.jobs);
  while (groups.size() < jobs) {
    auto biggest = std::max_element(groups.begin(), groups.end(),
                                    [](const Group& a, const Group& b) { return a.members.size() < b.members.size(); });
    if (biggest == groups.end() || biggest->members.size() < 40) break;
    Group half{{}, biggest->args, {}, {}};
    size_t keep = biggest->members.size() / 2;
    half.members.assign(biggest->members.begin() + static_cast<long>(keep), biggest->members.end());
    biggest->members.resize(keep);
    groups.push_back(std::move(half));
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<const SourceFile*> members;
    for (size_t i : groups[g].members) members.push_back(sources[i]);
    groups[g].preamble = shared_preamble(members);
    groups[g].anchor = work.write("anchors/group-" + std::to_string(g) + ".cc", "");
  }
  if (work.path().empty()) {
    result.errors.push_back({".", 0, "deep C++ mode needs a temporary folder; C++ files were read from tokens only"});
    for (const Group& group : groups)
      for (size_t i : group.members) each(i, ParsedTree{{}, "no temporary folder for the preamble", 0, false});
    return result;
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.members.size() > b.members.size(); });

  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t g = next++; g < groups.size(); g = next++) parse_group(groups[g], sources, options, stragglers, each);
  };
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, groups.size()));
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::jthread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  }
  return result;
}

}  // namespace tpu::cpp
