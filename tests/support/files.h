// Files and directories for tests: each test works in its own temporary directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace etltest {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// The path of `name` inside the directory.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::filesystem::path path_;
};

/// The whole file; throws std::runtime_error naming the path when it cannot be read.
std::string read_file(const std::string& path);
/// Creates or replaces the file; throws std::runtime_error naming the path on failure.
void write_file(const std::string& path, const std::string& content);
bool file_exists(const std::string& path);
/// The names of the entries of `dir`, sorted.
std::vector<std::string> list_dir(const std::string& dir);
/// `text` split at '\n' (a trailing newline does not make an empty last line).
std::vector<std::string> lines_of(const std::string& text);

}  // namespace etltest
