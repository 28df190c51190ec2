// A buffered writer for a file descriptor (stdout, or a managed target's stdin), for the
// singer sink.
//
// Why not stdio: the sink must tell a closed pipe (the consumer went away: ETL_E_CLOSED)
// from a real I/O error, must never leave half-written lines unaccounted for, and must not
// change process-wide stdio buffering. One big buffer and write(2) do all of that with one
// syscall per megabyte.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace singer {

class FdWriter {
 public:
  /// `name` ("stdout", "the target's stdin") is what errors call the descriptor. A
  /// non-blocking `fd` is waited for with poll(); `while_blocked` (optional) runs every
  /// 100 ms meanwhile and may throw to give up (a stop request).
  FdWriter(int fd, std::string name, std::function<void()> while_blocked = nullptr,
           size_t buffer_size = size_t{1} << 20);

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
  void wait_writable();

  int fd_;
  std::string name_;
  std::function<void()> while_blocked_;
  size_t capacity_;
  bool is_regular_file_;
  std::string buffer_;
};

}  // namespace singer
