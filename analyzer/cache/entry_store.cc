// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cache/entry_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>

#include "analyzer/core/discovery.h"

namespace fs = std::filesystem;

namespace tpu::cache {
namespace {

// An entry: magic (8 bytes), key (16), payload size (8), payload checksum (8), payload.
constexpr std::string_view kMagic("TPUMC\x01\r\n", 8);
constexpr size_t kHeaderSize = 8 + 16 + 8 + 8;

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint64_t get_u64(std::string_view in, size_t at) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  return value;
}

bool read_whole(const fs::path& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat info {};
  bool ok = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  if (ok) {
    out.resize(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < out.size()) {
      ssize_t got = ::read(fd, out.data() + done, out.size() - done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    ok = done == out.size();
  }
  ::close(fd);
  return ok;
}

// Writes `content` to a fresh temporary file beside `path` and renames it over `path`. Returns
// an error message, empty on success.
std::string write_atomically(const fs::path& path, std::string_view content) {
  static std::atomic<uint64_t> counter{0};
  fs::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  size_t done = 0;
  std::string problem;
  while (done < content.size()) {
    ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      problem = std::strerror(wrote < 0 ? errno : EIO);
      break;
    }
    done += static_cast<size_t>(wrote);
  }
  if (::close(fd) != 0 && problem.empty()) problem = std::strerror(errno);
  if (problem.empty() && ::rename(temporary.c_str(), path.c_str()) != 0) problem = std::strerror(errno);
  if (!problem.empty()) ::unlink(temporary.c_str());
  return problem;
}

}  // namespace

fs::path default_cache_dir(const fs::path& root) {
  std::error_code ec;
  fs::path folder = fs::is_directory(root, ec) ? root : root.parent_path();
  if (folder.empty()) folder = ".";
  return folder / kResultCacheFolder;
}

EntryStore::EntryStore(fs::path dir, std::string_view kind, const Hash128& space)
    : dir_(std::move(dir)), folder_(dir_ / (std::string(kind) + "-" + space.hex())) {}

std::optional<std::string> EntryStore::load(const Hash128& key) const {
  std::string bytes;
  if (!read_whole(folder_ / key.hex(), bytes) || bytes.size() < kHeaderSize) return std::nullopt;
  std::string_view view(bytes);
  if (view.substr(0, 8) != kMagic || get_u64(view, 8) != key.low || get_u64(view, 16) != key.high)
    return std::nullopt;
  std::string_view payload = view.substr(kHeaderSize);
  if (get_u64(view, 24) != payload.size() || get_u64(view, 32) != XXH3_64bits(payload.data(), payload.size()))
    return std::nullopt;
  bytes.erase(0, kHeaderSize);
  return bytes;
}

void EntryStore::store(const Hash128& key, std::string_view payload) {
  if (failed_) return;
  {
    std::lock_guard lock(mutex_);
    if (!prepared_ && !prepare_folder()) return;
  }
  std::string bytes(kMagic);
  bytes.reserve(kHeaderSize + payload.size());
  put_u64(bytes, key.low);
  put_u64(bytes, key.high);
  put_u64(bytes, payload.size());
  put_u64(bytes, XXH3_64bits(payload.data(), payload.size()));
  bytes.append(payload);
  if (std::string problem = write_atomically(folder_ / key.hex(), bytes); !problem.empty()) {
    std::lock_guard lock(mutex_);
    fail(problem);
  }
}

std::string EntryStore::warning() const {
  std::lock_guard lock(mutex_);
  return warning_;
}

// Called with the mutex held.
bool EntryStore::prepare_folder() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) {
    fail(ec.message());
    return false;
  }
  // Git (and so the scan's own discovery) ignores the whole cache folder.
  if (!fs::exists(dir_ / ".gitignore", ec)) {
    if (std::string problem = write_atomically(dir_ / ".gitignore", "# Created by tpu-migrate.\n*\n");
        !problem.empty()) {
      fail(problem);
      return false;
    }
  }
  prepared_ = true;
  return true;
}

// Called with the mutex held.
void EntryStore::fail(const std::string& why) {
  if (failed_.exchange(true)) return;
  warning_ = "cannot write the cache in " + dir_.string() + " (" + why + "); this run's results are not cached";
}

}  // namespace tpu::cache
