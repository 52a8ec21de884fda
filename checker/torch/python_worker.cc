// SPDX-License-Identifier: Apache-2.0
#include "checker/torch/python_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace tpu::checker {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<PythonWorker> PythonWorker::start(const WorkerLaunch& launch, std::string* error) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, launch.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);

  std::vector<std::string> args = {launch.python, launch.script.string(), "--device", launch.device,
                                   "--precision", launch.precision};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, launch.python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    *error = "cannot run " + launch.python + ": " + std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<PythonWorker> worker(new PythonWorker());
  worker->pid_ = pid;
  worker->to_worker_ = in_pipe[1];
  worker->from_worker_ = out_pipe[0];
  worker->stderr_file_ = launch.stderr_file;

  std::string line, why;
  if (!worker->read_line(line, launch.start_timeout_seconds, &why)) {
    *error = launch.python + " did not start the worker: " + why;
    return nullptr;
  }
  auto hello = parse_hello(line, &why);
  if (!hello) {
    *error = launch.python + ": " + why + worker->stderr_tail();
    return nullptr;
  }
  if (!hello->ok) {
    *error = launch.python + " cannot use device " + launch.device + ": " + hello->error;
    return nullptr;
  }
  worker->hello_ = *hello;
  return worker;
}

PythonWorker::~PythonWorker() {
  if (pid_ > 0) {
    write_all(to_worker_, exit_request());
    ::close(to_worker_);
    to_worker_ = -1;
    // Give it a moment to exit on its own (torch_xla tears down its runtime), then kill.
    for (int i = 0; i < 50 && pid_ > 0; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
      else ::usleep(20000);
    }
    kill_now();
  }
  if (to_worker_ >= 0) ::close(to_worker_);
  if (from_worker_ >= 0) ::close(from_worker_);
}

void PythonWorker::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string PythonWorker::stderr_tail() const {
  std::ifstream in(stderr_file_);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
  if (all.empty()) return "";
  if (all.size() > 1500) all = "..." + all.substr(all.size() - 1500);
  return "\n  worker stderr:\n  " + all;
}

bool PythonWorker::read_line(std::string& line, double timeout_seconds, std::string* error) {
  const double deadline = now_seconds() + timeout_seconds;
  while (true) {
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return true;
    }
    double left = deadline - now_seconds();
    if (left <= 0) {
      *error = "no reply within " + std::to_string(static_cast<int>(timeout_seconds)) + " s (killed)" + stderr_tail();
      kill_now();
      return false;
    }
    pollfd fd{from_worker_, POLLIN, 0};
    int ready = ::poll(&fd, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[4096];
    ssize_t n = ::read(from_worker_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int status = 0;
      std::string how = "it exited";
      if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) {
        if (WIFEXITED(status)) how = "it exited with status " + std::to_string(WEXITSTATUS(status));
        else if (WIFSIGNALED(status)) how = "it was killed by signal " + std::to_string(WTERMSIG(status));
      }
      pid_ = -1;
      *error = how + stderr_tail();
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<WorkerReply> PythonWorker::call(const std::string& line, uint64_t id, double timeout_seconds,
                                              std::string* error) {
  if (pid_ <= 0) {
    *error = "the worker is not running";
    return std::nullopt;
  }
  // A worker that died makes write() raise SIGPIPE; ignore it so that the error comes back.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  bool written = write_all(to_worker_, line);
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (!written) {
    std::string reply;
    read_line(reply, 1, error);  // collects the exit status and stderr
    return std::nullopt;
  }
  std::string reply_line;
  while (true) {
    if (!read_line(reply_line, timeout_seconds, error)) return std::nullopt;
    auto reply = parse_reply(reply_line, error);
    if (!reply) return std::nullopt;
    if (reply->id == id) return reply;
  }
}

}  // namespace tpu::checker
