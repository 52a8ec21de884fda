// SPDX-License-Identifier: Apache-2.0
// POSIX process control for `trace`. Linux extras (a child subreaper, so orphaned workers
// are reaped here rather than left as zombies) are used when available.
#include "trace/program_runner.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace tpu::runtime {
namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_forward_signal = 0;

extern "C" void remember_signal(int signal) { g_forward_signal = signal; }

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Installs the forwarding handlers for the duration of a run and restores the old ones.
class SignalForwarding {
 public:
  SignalForwarding() {
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < 3; ++i) sigaction(kSignals[i], &action, &previous_[i]);
  }
  ~SignalForwarding() {
    for (size_t i = 0; i < 3; ++i) sigaction(kSignals[i], &previous_[i], nullptr);
  }

 private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction previous_[3];
};

// The child: own process group, terminal foreground when we had it, then exec.
[[noreturn]] void exec_child(const RunOptions& options, int error_pipe, bool take_terminal) {
  setpgid(0, 0);
  if (take_terminal) {
    signal(SIGTTOU, SIG_IGN);  // a background group may not set the foreground group otherwise
    tcsetpgrp(STDIN_FILENO, getpid());
    signal(SIGTTOU, SIG_DFL);
  }
  for (const auto& [name, value] : options.env) setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int error = errno;
  [[maybe_unused]] ssize_t written = write(error_pipe, &error, sizeof error);
  _exit(127);
}

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// After the main process ends, its workers get a moment to write their parts and exit.
void reap_group(pid_t group, double grace_seconds) {
  auto start = Clock::now();
  int stage = 0;
  while (kill(-group, 0) == 0) {
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    double waited = seconds_since(start);
    if (stage == 0 && waited > grace_seconds) {
      kill(-group, SIGTERM);
      stage = 1;
    } else if (stage == 1 && waited > grace_seconds + 2) {
      kill(-group, SIGKILL);
      stage = 2;
    } else if (stage == 2 && waited > grace_seconds + 4) {
      break;  // zombies of a parent we are not: nothing more to do
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

RunOutcome run_program(const RunOptions& options) {
  RunOutcome outcome;
  if (options.argv.empty()) {
    outcome.error = "no program to run";
    return outcome;
  }
#ifdef __linux__
  prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.error = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  bool take_terminal = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
  g_forward_signal = 0;
  SignalForwarding forwarding;
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    outcome.error = std::string("fork: ") + std::strerror(errno);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return outcome;
  }
  if (pid == 0) exec_child(options, pipe_fds[1], take_terminal);
  setpgid(pid, pid);  // also here: whichever of parent and child runs first
  close(pipe_fds[1]);
  int exec_errno = 0;
  ssize_t got = read(pipe_fds[0], &exec_errno, sizeof exec_errno);
  close(pipe_fds[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    waitpid(pid, nullptr, 0);
    outcome.error = "cannot run " + options.argv[0] + ": " + std::strerror(exec_errno);
    return outcome;
  }
  outcome.started = true;
  outcome.pid = pid;

  int stage = 0;  // 0 running, 1 SIGINT sent, 2 SIGTERM sent, 3 SIGKILL sent
  double stage_time = 0;
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    double now = seconds_since(start);
    if (g_forward_signal != 0) {
      int signal = g_forward_signal;
      g_forward_signal = 0;
      kill(-pid, signal);
      if (outcome.stopped_by.empty()) outcome.stopped_by = "interrupted";
    }
    if (stage == 0) {
      std::error_code ec;
      if (options.max_seconds > 0 && now >= options.max_seconds) outcome.stopped_by = "max-seconds";
      else if (!options.stop_file.empty() && std::filesystem::exists(options.stop_file, ec))
        outcome.stopped_by = "limit-ops";
      if (!outcome.stopped_by.empty() && outcome.stopped_by != "interrupted") {
        kill(-pid, SIGINT);  // Python: KeyboardInterrupt, atexit runs, the parts are flushed
        stage = 1;
        stage_time = now;
      }
    } else if (stage < 3 && now - stage_time >= options.grace_seconds) {
      kill(-pid, stage == 1 ? SIGTERM : SIGKILL);
      ++stage;
      stage_time = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  outcome.exit_code = status_code(status);
  reap_group(pid, stage > 0 ? 1.0 : options.grace_seconds);
  outcome.wall_seconds = seconds_since(start);
  if (take_terminal) {
    signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(STDIN_FILENO, getpgrp());
    signal(SIGTTOU, SIG_DFL);
  }
  return outcome;
}

}  // namespace tpu::runtime
