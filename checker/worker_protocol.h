// SPDX-License-Identifier: Apache-2.0
// The line protocol between the replay engine and a device worker running in the user's
// Python (docs/check.md, "The worker protocol"). One JSON object per line each way; tensors
// never travel on the pipe: the worker reads the sample file named in the request and writes
// its outputs to the .pt file named there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpu::checker {

inline constexpr std::string_view kWorkerProtocol = "tpu-migrate/check-worker@1";

/// The worker's first line.
struct WorkerHello {
  bool ok = false;
  std::string protocol;
  std::string torch;        ///< torch.__version__
  std::string device;       ///< the device it resolved: "xla:0", "cuda:0", "cpu"
  std::string description;  ///< "torch 2.4.0, torch_xla 2.4.0, TPU v5e"
  std::string precision;    ///< what it applied for --precision, or why it could not
  std::string error;        ///< when !ok: why the device is not usable
};

struct ReplayRequest {
  uint64_t id = 0;
  std::string sample;  ///< absolute path of the sample .pt
  std::string device;
  std::string precision;  ///< "default", "high", "highest"
  std::string out;        ///< where to write {"outputs": [...]}
};

struct ModelRequest {
  uint64_t id = 0;
  std::string model;
  std::vector<std::string> inputs;
  std::string device;
  std::string emulate;  ///< "" or "tpu"
  std::string precision;
  uint64_t seed = 0;
  std::string cwd;
  std::string out;  ///< where to write {"reference": ..., "candidate": ...}
  std::vector<std::string> perturb;  ///< test damage (--perturb): modules, "NAME" or "NAME=float16"
};

struct WorkerReply {
  uint64_t id = 0;
  bool ok = false;
  std::string kind;  ///< when !ok: "skip" (cannot be replayed here) or "error" (it raised)
  std::string error;
  double seconds = 0;              ///< time on the device, including the copy back
  std::vector<std::string> notes;  ///< model runs: limits the worker hit
};

std::string encode(const ReplayRequest& request);  ///< one line, '\n'-terminated
std::string encode(const ModelRequest& request);
std::string exit_request();

/// Parses a line; nullopt (and `error`) when it is not a well-formed message.
std::optional<WorkerHello> parse_hello(std::string_view line, std::string* error);
std::optional<WorkerReply> parse_reply(std::string_view line, std::string* error);

}  // namespace tpu::checker
