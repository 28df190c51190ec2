#include "fd_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "etlhost/plugin.hpp"

namespace singer {

FdWriter::FdWriter(int fd, size_t buffer_size) : fd_(fd), capacity_(buffer_size) {
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
    const int error = errno;
    if (error == EPIPE) throw etl::Error(ETL_E_CLOSED, "stdout was closed by the reader", error);
    throw etl::Error(ETL_E_IO, std::string("writing to stdout failed: ") + std::strerror(error), error);
  }
}

void FdWriter::flush() {
  drain();
  // A pipe has nothing more to make durable; a redirected file does.
  if (is_regular_file_ && ::fdatasync(fd_) != 0) {
    throw etl::Error(ETL_E_IO, std::string("fdatasync of stdout failed: ") + std::strerror(errno), errno);
  }
}

}  // namespace singer
