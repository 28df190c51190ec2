// Files and directories for the csv tests: each test works in its own temporary directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sink_driver.h"

namespace csv_test {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
bool file_exists(const std::string& path);
/// The names of the entries of `dir`, sorted.
std::vector<std::string> list_dir(const std::string& dir);

/// A sink on `dir` restored with `checkpoint`, given `messages`, then flushed; REQUIREs
/// every step to succeed and returns the checkpoint taken after the messages.
std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint = "",
                     const std::string& extra_config = "");

}  // namespace csv_test
