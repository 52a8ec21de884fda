// SPDX-License-Identifier: Apache-2.0
#include "analyzer/cpp/bounded_run.h"

#include <thread>

namespace tpu::cpp {

void Stragglers::started() {
  std::lock_guard lock(mutex_);
  ++running_;
}

void Stragglers::finished() {
  std::lock_guard lock(mutex_);
  --running_;
  changed_.notify_all();
}

int Stragglers::wait_for(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, limit, [&] { return running_ == 0; });
  return running_;
}

namespace {
struct Flag {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  bool abandoned = false;
};
}  // namespace

bool run_bounded(std::function<void()> work, std::chrono::milliseconds limit,
                 const std::shared_ptr<Stragglers>& stragglers) {
  auto flag = std::make_shared<Flag>();
  std::thread thread([flag, stragglers, work = std::move(work)] {
    work();
    std::lock_guard lock(flag->mutex);
    flag->done = true;
    if (flag->abandoned) stragglers->finished();
    flag->done_changed.notify_all();
  });
  std::unique_lock lock(flag->mutex);
  if (flag->done_changed.wait_for(lock, limit, [&] { return flag->done; })) {
    lock.unlock();
    thread.join();
    return true;
  }
  flag->abandoned = true;
  stragglers->started();
  lock.unlock();
  thread.detach();
  return false;
}

}  // namespace tpu::cpp
