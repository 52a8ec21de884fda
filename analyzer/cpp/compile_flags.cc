// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/compile_flags.h"

#include <clang-c/CXCompilationDatabase.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "analyzer/cpp/fast_parser.h"
#include "analyzer/cpp/libclang.h"

namespace fs = std::filesystem;

namespace tpu::cpp {
namespace {

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// Folders matching `prefix*` under `parent`, newest version last.
std::vector<fs::path> glob_dirs(const fs::path& parent, std::string_view prefix) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().starts_with(prefix) && it->is_directory(ec)) found.push_back(it->path());
  std::sort(found.begin(), found.end());
  return found;
}

fs::path find_cuda() {
  for (const char* variable : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (const char* value = std::getenv(variable); value != nullptr && present(fs::path(value) / "include/cuda_runtime.h"))
      return value;
  if (present("/usr/local/cuda/include/cuda_runtime.h")) return "/usr/local/cuda";
  for (const fs::path& dir : glob_dirs("/usr/local", "cuda-"))
    if (present(dir / "include/cuda_runtime.h")) return dir;
  return {};
}

std::vector<fs::path> find_torch() {
  // An installed torch wheel (the user's environment) first, then Debian's libtorch-dev.
  std::vector<fs::path> prefixes;
  for (const char* variable : {"VIRTUAL_ENV", "CONDA_PREFIX"})
    if (const char* value = std::getenv(variable)) prefixes.emplace_back(value);
  prefixes.emplace_back("/usr/local");
  prefixes.emplace_back("/usr");
  for (const fs::path& prefix : prefixes)
    for (const fs::path& python : glob_dirs(prefix / "lib", "python3"))
      for (const char* packages : {"site-packages", "dist-packages"}) {
        fs::path include = python / packages / "torch/include";
        if (present(include / "torch/extension.h") || present(include / "torch/csrc/api/include/torch/extension.h"))
          return {include, include / "torch/csrc/api/include"};
      }
  if (present("/usr/include/torch/extension.h") || present("/usr/include/torch/csrc/api/include/torch/extension.h"))
    return {"/usr/include/torch/csrc/api/include"};
  return {};
}

fs::path find_python() {
  std::vector<fs::path> found = glob_dirs("/usr/include", "python3");
  for (auto it = found.rbegin(); it != found.rend(); ++it)
    if (present(*it / "Python.h")) return *it;
  return {};
}

bool starts(std::string_view arg, std::string_view prefix) { return arg.starts_with(prefix); }

// Keeps, from a real compile command, only what decides how the file parses: include
// folders, macros, the language standard, forced includes. Everything else (optimisation,
// code generation, nvcc's -gencode, gcc-only flags) is dropped so that libclang accepts it.
std::vector<std::string> reduce(const std::vector<std::string>& command, const fs::path& directory,
                                const fs::path& file) {
  std::vector<std::string> kept;
  auto absolute = [&](std::string path) {
    fs::path p(path);
    return p.is_absolute() ? path : (directory / p).lexically_normal().string();
  };
  auto take_pair = [&](std::string_view flag, std::string_view arg, size_t& i, bool path) {
    std::string value;
    if (arg.size() > flag.size()) value = std::string(arg.substr(flag.size()));
    else if (i + 1 < command.size()) value = command[++i];
    if (path) value = absolute(value);
    kept.push_back(std::string(flag));
    kept.push_back(value);
  };
  for (size_t i = 1; i < command.size(); ++i) {
    std::string_view arg = command[i];
    if (arg == "-Xcompiler" || arg == "--compiler-options") {  // nvcc: host flags, comma-separated
      if (i + 1 < command.size()) {
        std::string inner = command[++i];
        size_t start = 0;
        while (start <= inner.size()) {
          size_t comma = inner.find(',', start);
          std::string part = inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          if (starts(part, "-D") || starts(part, "-U") || starts(part, "-std=")) kept.push_back(part);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
      continue;
    }
    if (arg == "-I" || starts(arg, "-I")) take_pair("-I", arg, i, true);
    else if (starts(arg, "-isystem")) take_pair("-isystem", arg, i, true);
    else if (starts(arg, "-iquote")) take_pair("-iquote", arg, i, true);
    else if (starts(arg, "-idirafter")) take_pair("-idirafter", arg, i, true);
    else if (arg == "-include" || arg == "--include") take_pair("-include", "-include", i, true);
    else if (starts(arg, "-D") || starts(arg, "-U")) {
      if (arg.size() == 2 && i + 1 < command.size()) kept.push_back(std::string(arg) + command[++i]);
      else kept.push_back(std::string(arg));
    } else if (starts(arg, "-std=") || starts(arg, "--std=")) {
      kept.push_back("-std=" + std::string(arg.substr(arg.find('=') + 1)));
    } else if (arg == "-o" || arg == "-MF" || arg == "-MT" || arg == "-MQ" || arg == "-x" ||
               arg == "--output-file" || arg == "-ccbin" || arg == "--compiler-bindir") {
      ++i;  // the value goes with it
    }
    (void)file;
  }
  return kept;
}

}  // namespace

Toolchain find_toolchain() { return {find_cuda(), find_torch(), find_python()}; }

CompileFlags::CompileFlags(const fs::path& root, const fs::path& database, const std::vector<DiscoveredFile>& files,
                           const std::vector<std::string>& include_dirs, const WorkDir& work)
    : database_(database), toolchain_(find_toolchain()) {
  if (!database.empty()) {
    CXCompilationDatabase_Error error = CXCompilationDatabase_NoError;
    db_ = clang_CompilationDatabase_fromDirectory(database.parent_path().c_str(), &error);
    if (error != CXCompilationDatabase_NoError) db_ = nullptr;
  }
  // Inferred include folders: the root, every folder holding headers, every `include` folder.
  std::error_code ec;
  fs::path base = fs::is_directory(root, ec) ? root : root.parent_path();
  std::set<std::string> seen;
  auto add = [&](const fs::path& dir) {
    std::string text = fs::absolute(dir, ec).lexically_normal().string();
    if (seen.insert(text).second && include_dirs_.size() < 64) include_dirs_.push_back(text);
  };
  for (const std::string& dir : include_dirs) add(dir);
  add(base);
  for (const DiscoveredFile& file : files) {
    std::string name = file.absolute.filename().string();
    bool header = name.ends_with(".h") || name.ends_with(".hpp") || name.ends_with(".cuh") || name.ends_with(".hh");
    if (header) add(file.absolute.parent_path());
    for (fs::path dir = file.absolute.parent_path(); dir.string().size() > base.string().size(); dir = dir.parent_path())
      if (dir.filename() == "include") add(dir);
  }
  // Headers the toolchain lacks: CUDA 13 dropped texture_fetch_functions.h (clang 19's CUDA
  // wrapper still includes it); Debian's libtorch-dev has no c10/cuda/impl/cuda_cmake_macros.h.
  if (!work.path().empty()) {
    work.write("compat/texture_fetch_functions.h", "#pragma once\n");
    bool has_macros = false;
    for (const fs::path& torch : toolchain_.torch)
      has_macros = has_macros || present(torch / "c10/cuda/impl/cuda_cmake_macros.h") ||
                   present(torch.parent_path().parent_path().parent_path() / "c10/cuda/impl/cuda_cmake_macros.h");
    if (!has_macros && !present("/usr/include/c10/cuda/impl/cuda_cmake_macros.h"))
      work.write("compat/c10/cuda/impl/cuda_cmake_macros.h", "#pragma once\n");
    compat_ = work.path() / "compat";
    standin_ = work.write("standin/tpu_standin.h", std::string(standin_header()));
  }
}

CompileFlags::~CompileFlags() {
  if (db_ != nullptr) clang_CompilationDatabase_dispose(static_cast<CXCompilationDatabase>(db_));
}

std::optional<std::vector<std::string>> CompileFlags::from_database(const fs::path& file) const {
  if (db_ == nullptr) return std::nullopt;
  CXCompileCommands commands =
      clang_CompilationDatabase_getCompileCommands(static_cast<CXCompilationDatabase>(db_), file.c_str());
  if (commands == nullptr) return std::nullopt;
  std::optional<std::vector<std::string>> result;
  if (clang_CompileCommands_getSize(commands) > 0) {
    CXCompileCommand command = clang_CompileCommands_getCommand(commands, 0);
    std::vector<std::string> argv;
    for (unsigned i = 0, n = clang_CompileCommand_getNumArgs(command); i < n; ++i)
      argv.push_back(take(clang_CompileCommand_getArg(command, i)));
    fs::path directory = take(clang_CompileCommand_getDirectory(command));
    result = reduce(argv, directory, file);
  }
  clang_CompileCommands_dispose(commands);
  return result;
}

std::vector<std::string> CompileFlags::inferred(bool cuda) const {
  std::vector<std::string> args;
  for (const std::string& dir : include_dirs_) {
    args.push_back("-I");
    args.push_back(dir);
  }
  // What a torch CUDA extension build defines (BuildExtension and the usual setup.py).
  args.insert(args.end(), {"-DTORCH_API_INCLUDE_EXTENSION_H", "-DTORCH_EXTENSION_NAME=torch_extension"});
  if (cuda || !toolchain_.cuda.empty()) args.push_back("-DWITH_CUDA");
  return args;
}

// What every deep parse needs whatever its origin: the language, the toolkits, the stand-in
// for what is missing, and quiet, complete error recovery.
std::vector<std::string> CompileFlags::required(bool cuda) const {
  std::vector<std::string> args;
  if (cuda) {
    args = {"-x", "cuda", "--cuda-host-only", "-nocudalib"};
    if (!toolchain_.cuda.empty()) {
      args.push_back("--cuda-path=" + toolchain_.cuda.string());
      if (present(toolchain_.cuda / "include/cccl")) {
        args.push_back("-isystem");
        args.push_back((toolchain_.cuda / "include/cccl").string());
      }
    } else {
      args.insert(args.end(), {"-nocudainc", "--cuda-path=/nonexistent"});
    }
  } else {
    args = {"-x", "c++"};
    // A CUDAExtension compiles its C++ files with the toolkit's headers too (ATen/cuda and
    // c10/cuda headers include cuda_runtime_api.h).
    if (!toolchain_.cuda.empty()) {
      args.push_back("-isystem");
      args.push_back((toolchain_.cuda / "include").string());
    }
  }
  for (const fs::path& dir : toolchain_.torch) {
    args.push_back("-isystem");
    args.push_back(dir.string());
  }
  if (!toolchain_.python.empty()) {
    args.push_back("-isystem");
    args.push_back(toolchain_.python.string());
  }
  if (!compat_.empty()) {
    args.push_back("-idirafter");
    args.push_back(compat_.string());
  }
  bool real_cuda = !cuda || !toolchain_.cuda.empty();
  bool real_torch = !toolchain_.torch.empty();
  if ((!real_cuda || !real_torch) && !standin_.empty()) {
    args.push_back("-DTPU_STANDIN_REAL_STD");
    if (real_cuda) args.push_back("-DTPU_STANDIN_REAL_CUDA");
    if (real_torch) args.push_back("-DTPU_STANDIN_REAL_TORCH");
    args.push_back("-include");
    args.push_back(standin_.string());
  }
  args.insert(args.end(), {"-w", "-ferror-limit=0", "-fno-spell-checking"});
  return args;
}

std::vector<std::string> CompileFlags::arguments(const DiscoveredFile& file, bool cuda) const {
  std::vector<std::string> args;
  auto database = from_database(file.absolute);
  if (database) args = std::move(*database);
  else args = inferred(cuda);
  if (std::none_of(args.begin(), args.end(), [](const std::string& a) { return a.starts_with("-std="); }))
    args.push_back("-std=c++17");
  // Quoted includes resolve from the file's own folder, even when the parse runs elsewhere.
  args.push_back("-iquote");
  args.push_back(file.absolute.parent_path().string());
  std::vector<std::string> tail = required(cuda);
  args.insert(args.end(), tail.begin(), tail.end());
  return args;
}

std::string CompileFlags::source() const {
  std::string toolkits = std::string(toolchain_.cuda.empty() ? "no CUDA toolkit" : "CUDA at " + toolchain_.cuda.string()) +
                         ", " + (toolchain_.torch.empty() ? "no torch headers" : "torch at " + toolchain_.torch.front().string());
  if (db_ != nullptr) return "compile_commands.json at " + database_.string() + " (" + toolkits + ")";
  return "inferred flags (" + toolkits + ")";
}

}  // namespace tpu::cpp
