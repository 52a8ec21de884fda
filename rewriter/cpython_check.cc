// SPDX-License-Identifier: Apache-2.0
#include "rewriter/cpython_check.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

extern char** environ;

namespace tpu::rewriter {
namespace {

// Exit status 0: parsed; 1: SyntaxError (or ValueError: a NUL byte); 3: could not start.
constexpr const char* kCheck =
    "import ast, sys\n"
    "try:\n"
    "    ast.parse(sys.stdin.buffer.read())\n"
    "except (SyntaxError, ValueError):\n"
    "    sys.exit(1)\n";

}  // namespace

std::optional<bool> cpython_parses(std::string_view source) {
  // The text goes through a temporary file (stdin), so no pipe can fill up and block.
  std::string path = (std::filesystem::temp_directory_path() / "tpu-migrate-ast-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) return std::nullopt;
  ::unlink(path.c_str());  // gone when closed
  for (size_t done = 0; done < source.size();) {
    ssize_t written = ::write(fd, source.data() + done, source.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    done += static_cast<size_t>(written);
  }
  ::lseek(fd, 0, SEEK_SET);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fd, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string program = "python3", flag = "-c", code = kCheck;
  char* argv[] = {program.data(), flag.data(), code.data(), nullptr};
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "python3", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fd);
  if (spawned != 0) return std::nullopt;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return std::nullopt;
  if (!WIFEXITED(status)) return std::nullopt;
  if (WEXITSTATUS(status) == 0) return true;
  if (WEXITSTATUS(status) == 1) return false;
  return std::nullopt;  // 127 and the like: no usable interpreter
}

}  // namespace tpu::rewriter
