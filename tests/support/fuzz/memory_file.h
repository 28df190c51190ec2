// memory_file.h: a fuzz input as a file, for the code under test that reads a path (the
// host's config and catalog files). A memfd is a regular file that never touches a disk;
// /proc/self/fd/N names it.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "fuzz_check.h"

namespace fuzz {

class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("fuzz-input", MFD_CLOEXEC)) { check(fd_ >= 0, "memfd_create"); }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  /// Replaces the content with `text`; returns a path that opens it.
  std::string hold(std::string_view text) {
    check(::ftruncate(fd_, 0) == 0, "ftruncate");
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t wrote = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
      check(wrote > 0, "pwrite");
      done += static_cast<size_t>(wrote);
    }
    return "/proc/self/fd/" + std::to_string(fd_);
  }

 private:
  int fd_;
};

}  // namespace fuzz
