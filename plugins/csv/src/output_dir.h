// The output directory as the sink uses it: created with its parents, held open, and
// operated on by file name relative to it (openat, unlinkat, fsync of the directory).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace etl_csv {

class OutputDir {
 public:
  explicit OutputDir(std::string path) : path_(std::move(path)) {}
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::string& path() const noexcept { return path_; }

  /// Creates the directory and missing parents (each new entry made durable when
  /// `durable`), then opens and locks it (flock, held until destruction). Idempotent.
  /// Throws etl::Error(ETL_E_IO), or ETL_E_INVALID_STATE when another sink holds the lock.
  void open(bool durable);

  /// Every regular file named *.csv, with its size.
  std::map<std::string, uint64_t, std::less<>> list_csv_files() const;

  /// Opens an existing file for reading and writing; returns the fd and its size.
  int open_existing(const std::string& name, uint64_t& size) const;
  /// Creates a file that must not exist yet.
  int create_new(const std::string& name) const;
  void truncate(const std::string& name, uint64_t length, bool durable) const;
  /// Renames `from` over `to` (atomically replacing it).
  void rename(const std::string& from, const std::string& to) const;
  /// Removes `name`; false when it was not there.
  bool remove(const std::string& name) const;
  /// The whole content of a small regular file, "" when it does not exist.
  std::string read_small_file(const std::string& name) const;
  /// Appends `line` to `name` (created when missing); with `durable`, fsyncs it, and the
  /// directory when the file is new.
  void append_line(const std::string& name, const std::string& line, bool durable) const;
  /// Copies bytes [from, to) of `name` into a new file whose name starts with `copy_prefix`
  /// (a suffix ".2", ".3", ... is added when taken); returns the new file's name.
  std::string copy_range(const std::string& name, uint64_t from, uint64_t to, const std::string& copy_prefix,
                         bool durable) const;
  /// The last byte of a non-empty file (to tell whether it ends with a line break).
  char last_byte(const std::string& name, uint64_t size) const;
  /// Makes the directory's entries (created and removed files) durable.
  void sync() const;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace etl_csv
