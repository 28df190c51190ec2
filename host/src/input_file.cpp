#include "input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "host_error.h"

namespace etlhost {

namespace {

[[noreturn]] void fail(const InputFile& file, const std::string& problem) {
  throw HostError(file.exit_code, file.what + " " + problem);
}

[[noreturn]] void fail_errno(const InputFile& file, const std::string& step) {
  fail(file, "cannot be read (" + step + "): " + std::strerror(errno));
}

std::string limit_text() { return std::to_string(kMaxInputFileBytes >> 20) + " MiB"; }

void check_type(const InputFile& file, const struct stat& info) {
  if (S_ISREG(info.st_mode)) return;
  if (S_ISFIFO(info.st_mode) && file.pipes == PipeInput::kAllowed) return;
  const char* expected = file.pipes == PipeInput::kAllowed ? "a regular file or a pipe" : "a regular file";
  fail(file, "is " + file_type_name(info.st_mode) + ", not " + expected + "; give the path of " + expected +
                 " of at most " + limit_text());
}

[[noreturn]] void fail_too_large(const InputFile& file) {
  fail(file, "is larger than " + limit_text() + ", the most etlhost reads of it; is it the right file?");
}

// Closes the descriptor on every way out of read_input_file().
struct OwnedFd {
  int fd;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads at most one byte past the cap: enough to know the file is over it.
std::string read_capped(const InputFile& file, int fd) {
  std::string text;
  char chunk[64 * 1024];
  while (text.size() <= kMaxInputFileBytes) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got == 0) return text;
    if (got < 0) {
      if (errno == EINTR) continue;
      fail_errno(file, "read");
    }
    text.append(chunk, static_cast<size_t>(got));
  }
  fail_too_large(file);
}

}  // namespace

std::optional<std::string> read_input_file(const InputFile& file) {
  // The type is checked before the open, so a device is never opened. A regular file is
  // opened non-blocking, so one swapped for a FIFO in between cannot hang the open either;
  // an allowed pipe blocks as usual until its writer is there.
  struct stat info {};
  if (::stat(file.path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno(file, "stat");
  }
  check_type(file, info);
  const int nonblocking = S_ISREG(info.st_mode) ? O_NONBLOCK : 0;
  const OwnedFd opened{::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | nonblocking)};
  if (opened.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno(file, "open");
  }
  if (::fstat(opened.fd, &info) != 0) fail_errno(file, "fstat");
  check_type(file, info);  // what was opened, should the path have changed since the stat
  if (S_ISREG(info.st_mode) && static_cast<uintmax_t>(info.st_size) > kMaxInputFileBytes) fail_too_large(file);
  return read_capped(file, opened.fd);
}

std::string file_type_name(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "an unknown kind of file";
}

}  // namespace etlhost
