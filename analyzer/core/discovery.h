// SPDX-License-Identifier: Apache-2.0
// Finds the files a scan reads: walks a file or folder, honours .gitignore/.ignore,
// skips tool and build folders, applies --include/--exclude, never leaves the root, and lists
// a file reached through symlinks once.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/core/finding.h"

namespace tpu {

enum class FileLanguage : uint8_t { Python, Cpp };

struct DiscoveredFile {
  std::filesystem::path absolute;
  std::string relative;  ///< to the scan root, '/' separators, as reported_path() writes it
  FileLanguage language;
};

struct DiscoveryOptions {
  std::vector<std::string> include;  ///< when non-empty, only matching files are kept
  std::vector<std::string> exclude;
  bool use_ignore_files = true;      ///< .gitignore and .ignore
  bool skip_default_folders = true;  ///< .git, virtualenvs, site-packages, build outputs…
};

struct Discovery {
  std::vector<DiscoveredFile> files;  ///< sorted by relative path
  std::vector<InputError> errors;     ///< symlink loops, unreadable folders, paths past PATH_MAX…
  size_t python_files = 0;
  size_t cpp_files = 0;
};

/// The folder the result cache keeps at a scan root (analyzer/cache): never walked.
inline constexpr std::string_view kResultCacheFolder = ".tpu-migrate-cache";

/// A path as reports show it: bytes that are not UTF-8 (a file name from another encoding) are
/// written \xNN, so that the report is valid text and the name can still be recovered.
std::string reported_path(std::string_view raw);
/// The bytes of a path that reported_path() wrote (other paths are returned as they are).
std::string raw_path(std::string_view reported);

/// The language of a file name, or nullopt when a scan does not read it.
std::optional<FileLanguage> language_of(std::string_view file_name);

/// True for folder names skipped by default (version control, caches, virtualenvs,
/// installed packages, build outputs).
bool is_default_skipped_folder(std::string_view name);

/// Walks `root` (a file or a folder). The root must exist; the caller checks that.
Discovery discover(const std::filesystem::path& root, const DiscoveryOptions& options);

}  // namespace tpu
