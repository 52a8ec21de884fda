// SPDX-License-Identifier: Apache-2.0
// A device worker: the user's Python running the embedded worker script, spoken to over its
// stdin/stdout with the line protocol of checker/worker_protocol.h. Its stderr goes to a file
// in the scratch folder, quoted when it fails.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "checker/worker_protocol.h"

namespace tpu::checker {

struct WorkerLaunch {
  std::string python;             ///< interpreter, looked up on PATH when it has no '/'
  std::filesystem::path script;   ///< the worker script, already written
  std::string device;             ///< asked for in the hello: the worker checks it is usable
  std::string precision;
  std::filesystem::path stderr_file;
  double start_timeout_seconds = 120;  ///< importing torch_xla on a TPU VM takes a while
};

class PythonWorker {
 public:
  /// Starts the worker and reads its hello. nullptr and `error` when it does not start or
  /// says the device is unusable.
  static std::unique_ptr<PythonWorker> start(const WorkerLaunch& launch, std::string* error);
  ~PythonWorker();  ///< asks it to exit, then kills it if it does not
  PythonWorker(const PythonWorker&) = delete;
  PythonWorker& operator=(const PythonWorker&) = delete;

  const WorkerHello& hello() const { return hello_; }

  /// Sends one request line and waits for the reply with the same id. nullopt and `error`
  /// when the worker died, hung past `timeout_seconds` (it is then killed) or garbled the
  /// reply.
  std::optional<WorkerReply> call(const std::string& line, uint64_t id, double timeout_seconds, std::string* error);

  bool alive() const { return pid_ > 0; }

 private:
  PythonWorker() = default;
  bool read_line(std::string& line, double timeout_seconds, std::string* error);
  void kill_now();
  std::string stderr_tail() const;

  pid_t pid_ = -1;
  int to_worker_ = -1, from_worker_ = -1;
  std::string buffer_;
  std::filesystem::path stderr_file_;
  WorkerHello hello_;
};

}  // namespace tpu::checker
