#include "stream_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "etlhost/plugin.hpp"

namespace etl_csv {
namespace {

[[noreturn]] void io_failure(const char* what, const std::string& name, int error) {
  throw etl::Error(ETL_E_IO, std::string("cannot ") + what + " " + name + ": " + std::strerror(error), error);
}

}  // namespace

StreamFile::StreamFile(std::string name, int fd, uint64_t length, size_t buffer_capacity)
    : name_(std::move(name)),
      fd_(fd),
      written_(length),
      buffer_(new char[buffer_capacity]),
      capacity_(buffer_capacity) {}

StreamFile::~StreamFile() { ::close(fd_); }

void StreamFile::set_header(std::vector<std::string> columns, std::string line_terminator) {
  header_ = std::move(columns);
  line_terminator_ = std::move(line_terminator);
}

void StreamFile::renamed(std::string name, std::vector<std::string> columns, std::string line_terminator) {
  name_ = std::move(name);
  set_header(std::move(columns), std::move(line_terminator));
}

void StreamFile::append(const std::string& text) {
  char* out = reserve(text.size());
  std::memcpy(out, text.data(), text.size());
  commit(out + text.size());
}

void StreamFile::make_room(size_t bytes) {
  write_out();
  if (bytes > capacity_) {
    // A single row larger than the buffer: grow once; rows that big are rare.
    buffer_.reset(new char[bytes]);
    capacity_ = bytes;
  }
}

void StreamFile::write_out() {
  size_t done = 0;
  while (done < used_) {
    const ssize_t n = ::pwrite(fd_, buffer_.get() + done, used_ - done, static_cast<off_t>(written_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Keep what is still unwritten at the front of the buffer so the logical length
      // stays right; the host restores the checkpoint after a failed run anyway.
      const int error = n < 0 ? errno : EIO;
      std::memmove(buffer_.get(), buffer_.get() + done, used_ - done);
      used_ -= done;
      io_failure("write to", name_, error);
    }
    done += static_cast<size_t>(n);
    written_ += static_cast<uint64_t>(n);
    unsynced_ = true;
  }
  used_ = 0;
}

void StreamFile::sync() {
  if (sync_failed_) {
    throw etl::Error(ETL_E_IO, "an earlier fsync of " + name_ +
                                   " failed, so its data may not be on disk; the run must restart "
                                   "from the last checkpoint");
  }
  if (!unsynced_) return;
  if (::fsync(fd_) != 0) {
    sync_failed_ = true;
    io_failure("fsync", name_, errno);
  }
  unsynced_ = false;
}

}  // namespace etl_csv
