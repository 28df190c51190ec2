#include "output_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "etlhost/plugin.hpp"
#include "file_names.h"

namespace etl_csv {
namespace {

[[noreturn]] void io_failure(const std::string& what, int error) {
  throw etl::Error(ETL_E_IO, "cannot " + what + ": " + std::strerror(error), error);
}

void fsync_directory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_failure("open directory " + path, errno);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) io_failure("fsync directory " + path, error);
}

void write_fully(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) io_failure("write " + path, n < 0 ? errno : EIO);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

}  // namespace

OutputDir::~OutputDir() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputDir::open(bool durable) {
  if (fd_ >= 0) return;
  // mkdir -p by hand: a new directory only survives a power loss once its parent is synced.
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = path_; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat info {};
    if (::stat(p.c_str(), &info) == 0) break;
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) io_failure("create directory " + it->string(), errno);
    if (durable) fsync_directory(it->parent_path().string());
  }
  fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) io_failure("open output directory " + path_, errno);
  // Two sinks appending to one directory would interleave rows and undo each other's
  // restores (overlapping cron runs, two state files). The lock dies with the process.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw etl::Error(ETL_E_INVALID_STATE,
                       "another csv sink is writing to " + path_ + " (an overlapping run?); only one may at a time",
                       error);
    }
    io_failure("lock output directory " + path_, error);
  }
}

std::map<std::string, uint64_t, std::less<>> OutputDir::list_csv_files() const {
  std::map<std::string, uint64_t, std::less<>> files;
  const int fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_failure("list " + path_, errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int error = errno;
    ::close(fd);
    io_failure("list " + path_, error);
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!is_csv_file_name(name)) continue;
    struct stat info {};
    if (::fstatat(fd_, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode)) continue;
    files.emplace(name, static_cast<uint64_t>(info.st_size));
  }
  ::closedir(dir);
  return files;
}

int OutputDir::open_existing(const std::string& name, uint64_t& size) const {
  const int fd = ::openat(fd_, name.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) io_failure("open " + path_ + "/" + name, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    io_failure("stat " + path_ + "/" + name, error);
  }
  size = static_cast<uint64_t>(info.st_size);
  return fd;
}

int OutputDir::create_new(const std::string& name) const {
  const int fd = ::openat(fd_, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) {
    throw etl::Error(ETL_E_INVALID_STATE,
                     "cannot create " + path_ + "/" + name +
                         ": a file of that name exists, but it is not one of this sink's files (the committed "
                         "checkpoint does not list it and no run of the sink created it), so the sink neither "
                         "overwrites nor deletes it. Move it out of the output directory and run again.",
                     EEXIST);
  }
  if (fd < 0) io_failure("create " + path_ + "/" + name, errno);
  return fd;
}

void OutputDir::truncate(const std::string& name, uint64_t length, bool durable) const {
  uint64_t size = 0;
  const int fd = open_existing(name, size);
  const FdCloser closer(fd);
  if (::ftruncate(fd, static_cast<off_t>(length)) != 0) io_failure("truncate " + path_ + "/" + name, errno);
  if (durable && ::fsync(fd) != 0) io_failure("fsync " + path_ + "/" + name, errno);
}

void OutputDir::rename(const std::string& from, const std::string& to) const {
  if (::renameat(fd_, from.c_str(), fd_, to.c_str()) != 0) {
    io_failure("rename " + path_ + "/" + from + " to " + to, errno);
  }
}

bool OutputDir::remove(const std::string& name) const {
  if (::unlinkat(fd_, name.c_str(), 0) == 0) return true;
  if (errno != ENOENT) io_failure("remove " + path_ + "/" + name, errno);
  return false;
}

std::string OutputDir::read_small_file(const std::string& name) const {
  const int fd = ::openat(fd_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    io_failure("open " + path_ + "/" + name, errno);
  }
  const FdCloser closer(fd);
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) io_failure("read " + path_ + "/" + name, errno);
    if (got == 0) return text;
    text.append(buffer, static_cast<size_t>(got));
  }
}

void OutputDir::append_line(const std::string& name, const std::string& line, bool durable) const {
  bool created = true;
  int fd = ::openat(fd_, name.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) {
    created = false;
    fd = ::openat(fd_, name.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) io_failure("open " + path_ + "/" + name, errno);
  const FdCloser closer(fd);
  write_fully(fd, line.data(), line.size(), path_ + "/" + name);
  if (durable && ::fsync(fd) != 0) io_failure("fsync " + path_ + "/" + name, errno);
  if (durable && created) sync();
}

std::string OutputDir::copy_range(const std::string& name, uint64_t from, uint64_t to, const std::string& copy_prefix,
                                  bool durable) const {
  uint64_t ignored = 0;
  const int in = open_existing(name, ignored);
  const FdCloser in_closer(in);
  std::string copy_name = copy_prefix;
  int out = -1;
  for (int attempt = 2; (out = ::openat(fd_, copy_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0;
       ++attempt) {
    if (errno != EEXIST || attempt > 1000) io_failure("create " + path_ + "/" + copy_name, errno);
    copy_name = copy_prefix + "." + std::to_string(attempt);
  }
  const FdCloser out_closer(out);
  std::vector<char> buffer(64 * 1024);
  for (uint64_t at = from; at < to;) {
    const ssize_t got = ::pread(in, buffer.data(), std::min<uint64_t>(buffer.size(), to - at), static_cast<off_t>(at));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) io_failure("read " + path_ + "/" + name, got < 0 ? errno : EIO);
    write_fully(out, buffer.data(), static_cast<size_t>(got), path_ + "/" + copy_name);
    at += static_cast<uint64_t>(got);
  }
  if (durable && ::fsync(out) != 0) io_failure("fsync " + path_ + "/" + copy_name, errno);
  if (durable) sync();
  return copy_name;
}

char OutputDir::last_byte(const std::string& name, uint64_t size) const {
  uint64_t ignored = 0;
  const int fd = open_existing(name, ignored);
  const FdCloser closer(fd);
  char byte = 0;
  const ssize_t got = ::pread(fd, &byte, 1, static_cast<off_t>(size - 1));
  if (got != 1) io_failure("read " + path_ + "/" + name, got < 0 ? errno : EIO);
  return byte;
}

void OutputDir::sync() const {
  if (::fsync(fd_) != 0) io_failure("fsync directory " + path_, errno);
}

}  // namespace etl_csv
