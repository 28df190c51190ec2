#include "fd_writer.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "etlhost/plugin.hpp"

namespace singer {

namespace {
// How often a blocked write looks up from its poll() to run `while_blocked`.
constexpr int kBlockedPollMs = 100;
}  // namespace

FdWriter::FdWriter(int fd, std::string name, std::function<void()> while_blocked, size_t buffer_size)
    : fd_(fd), name_(std::move(name)), while_blocked_(std::move(while_blocked)), capacity_(buffer_size) {
  struct stat info {};
  is_regular_file_ = fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  buffer_.reserve(capacity_);
}

void FdWriter::drain() {
  try {
    write_all(buffer_);
  } catch (...) {
    buffer_.clear();  // whatever happens next, these bytes will not be retried
    throw;
  }
  buffer_.clear();
}

void FdWriter::write_all(std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n >= 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_writable();
      continue;
    }
    const int error = errno;
    if (error == EPIPE) throw etl::Error(ETL_E_CLOSED, name_ + " was closed by the reader", error);
    throw etl::Error(ETL_E_IO, "writing to " + name_ + " failed: " + std::strerror(error), error);
  }
}

void FdWriter::wait_writable() {
  pollfd target{fd_, POLLOUT, 0};
  // POLLERR / POLLHUP (the reader is gone) also end the wait: the next write() says EPIPE.
  while (::poll(&target, 1, kBlockedPollMs) == 0) {
    if (while_blocked_) while_blocked_();
  }
}

void FdWriter::flush() {
  drain();
  // A pipe has nothing more to make durable; a redirected file does.
  if (is_regular_file_ && ::fdatasync(fd_) != 0) {
    throw etl::Error(ETL_E_IO, "fdatasync of " + name_ + " failed: " + std::strerror(errno), errno);
  }
}

}  // namespace singer
