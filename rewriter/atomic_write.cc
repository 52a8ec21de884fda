// SPDX-License-Identifier: Apache-2.0
#include "rewriter/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace tpu::rewriter {
namespace {

constexpr std::string_view kTemporaryMark = ".tpu-migrate-";
constexpr size_t kRandomSuffix = 6;  // mkstemp's XXXXXX

std::string failure(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

}  // namespace

std::string atomic_replace(const std::filesystem::path& path, std::string_view content) {
  struct stat original {};
  if (::stat(path.c_str(), &original) != 0) return failure("cannot stat", path);
  std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  std::string pattern = (folder / ("." + path.filename().string() + std::string(kTemporaryMark) +
                                  std::string(kRandomSuffix, 'X'))).string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) return failure("cannot create a temporary file beside", path);
  std::filesystem::path temporary = pattern;
  auto abandon = [&](const std::string& message) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return message;
  };
  if (!write_all(fd, content)) return abandon(failure("cannot write", temporary));
  if (::fchmod(fd, original.st_mode & 07777) != 0) return abandon(failure("cannot set the mode of", temporary));
  // Keep the owner when we may (root rewriting another user's file); ignore EPERM otherwise.
  if (::fchown(fd, original.st_uid, original.st_gid) != 0 && errno != EPERM)
    return abandon(failure("cannot set the owner of", temporary));
  if (::fsync(fd) != 0) return abandon(failure("cannot flush", temporary));
  if (::close(fd) != 0) {
    ::unlink(temporary.c_str());
    return failure("cannot close", temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string message = failure("cannot replace", path);
    ::unlink(temporary.c_str());
    return message;
  }
  int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (folder_fd >= 0) {
    ::fsync(folder_fd);  // make the rename itself durable
    ::close(folder_fd);
  }
  return {};
}

bool is_temporary_file_name(std::string_view file_name) {
  if (!file_name.starts_with('.') || file_name.size() < 2 + kTemporaryMark.size() + kRandomSuffix) return false;
  std::string_view suffix = file_name.substr(file_name.size() - kRandomSuffix);
  std::string_view mark = file_name.substr(file_name.size() - kRandomSuffix - kTemporaryMark.size(), kTemporaryMark.size());
  return mark == kTemporaryMark && std::all_of(suffix.begin(), suffix.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

std::vector<std::filesystem::path> leftover_temporary_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_error;
    if (is_temporary_file_name(it->path().filename().string()) && it->is_regular_file(type_error) &&
        !it->is_symlink(type_error))
      found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace tpu::rewriter
