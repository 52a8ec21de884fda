// SPDX-License-Identifier: Apache-2.0
// The per-file time bound. libclang cannot cancel a parse, so a parse runs on its own thread
// and the caller waits at most the bound; past it, the caller reports the file and goes on,
// and the parse finishes in the background owning everything it touches. The scan waits for
// such stragglers (briefly) before it returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace tpu::cpp {

/// Parses left running past their bound. Shared with them, so it outlives the scan if need be.
class Stragglers {
 public:
  void started();
  void finished();
  /// Waits until none is left or `limit` passes; returns how many are still running.
  int wait_for(std::chrono::milliseconds limit);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int running_ = 0;
};

/// Runs `work` on a new thread; true when it finished within `limit`. When it did not, the
/// thread is detached: `work` must own (by value or shared_ptr) everything it uses.
bool run_bounded(std::function<void()> work, std::chrono::milliseconds limit,
                 const std::shared_ptr<Stragglers>& stragglers);

}  // namespace tpu::cpp
