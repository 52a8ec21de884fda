// SPDX-License-Identifier: Apache-2.0
#include "rewriter/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tpu::rewriter {
namespace {

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
  std::string pattern = (folder / ("." + path.filename().string() + ".tpu-migrate-XXXXXX")).string();
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

}  // namespace tpu::rewriter
