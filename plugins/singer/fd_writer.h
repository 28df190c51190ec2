// A buffered writer for a file descriptor (stdout), for the singer sink.
//
// Why not stdio: the sink must tell a closed pipe (the consumer went away: ETL_E_CLOSED,
// a quiet end) from a real I/O error, must never leave half-written lines unaccounted for,
// and must not change process-wide stdio buffering. One big buffer and write(2) do all of
// that with one syscall per megabyte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace singer {

class FdWriter {
 public:
  explicit FdWriter(int fd, size_t buffer_size = size_t{1} << 20);

  /// Appends to the buffer, writing the buffer out when it is full.
  void append(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > capacity_) drain();
    // Bigger than the buffer (one huge record): written from the caller's bytes, so the
    // buffer never grows to its size.
    if (bytes.size() > capacity_) return write_all(bytes);
    buffer_.append(bytes);
  }
  /// Writes out everything buffered; for a regular file also fdatasyncs it.
  /// Throws etl::Error: ETL_E_CLOSED when the reader closed the pipe, ETL_E_IO otherwise.
  void flush();
  /// Drops what is buffered (used when a run failed and nothing more may reach stdout).
  void discard() noexcept { buffer_.clear(); }

 private:
  void drain();
  void write_all(std::string_view bytes);

  int fd_;
  size_t capacity_;
  bool is_regular_file_;
  std::string buffer_;
};

}  // namespace singer
