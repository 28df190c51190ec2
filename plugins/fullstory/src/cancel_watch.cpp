#include "cancel_watch.h"

#include <sys/socket.h>

#include <chrono>

namespace fullstory {
namespace {
constexpr std::chrono::milliseconds kPollInterval{100};
}

CancelWatch::CancelWatch(const etl::Host& host) : host_(host), thread_([this] { run(); }) {}

CancelWatch::~CancelWatch() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CancelWatch::arm(int socket_fd, Clock::time_point deadline) {
  const std::lock_guard lock(mutex_);
  socket_fd_ = socket_fd;
  deadline_ = deadline;
  deadline_passed_ = false;
}

void CancelWatch::set_deadline(Clock::time_point deadline) {
  const std::lock_guard lock(mutex_);
  deadline_ = deadline;
}

bool CancelWatch::deadline_passed() {
  const std::lock_guard lock(mutex_);
  return deadline_passed_;
}

void CancelWatch::disarm() {
  const std::lock_guard lock(mutex_);
  socket_fd_ = -1;
}

void CancelWatch::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kPollInterval);
    // shutdown(2) (not close) wakes a thread blocked in recv on this socket and leaves the
    // descriptor itself to its owner, which closes it after disarm().
    if (socket_fd_ < 0) continue;
    const bool cancelled = host_.cancelled();
    if (cancelled || Clock::now() >= deadline_) {
      deadline_passed_ = !cancelled;
      ::shutdown(socket_fd_, SHUT_RDWR);
      socket_fd_ = -1;
    }
  }
}

}  // namespace fullstory
