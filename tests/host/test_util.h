// Helpers for the host tests: temp dirs, files, where the binaries are, running etlhost.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "process.h"

namespace hosttest {

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// The path of `name` inside the directory, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
bool file_exists(const std::string& path);

/// The etlhost binary under test (ETLHOST_TEST_BIN env, else the build's).
std::string etlhost_bin();
/// The build's real plugin directory (etl-demo.so, ...).
std::string plugin_dir();
/// The directory of the test-fixture plugins (etl-t-script.so, ...).
std::string fixture_dir();

/// Runs etlhost with `args`. ETLHOST_PLUGIN_PATH is set to the fixture dir and the
/// fixtures' env variables are removed, unless `options` says otherwise.
etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options = {});
/// The same options run_etlhost applies, to start a Process by hand.
etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options = {});

std::vector<std::string> lines_of(const std::string& text);
/// True when some line of `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle);

}  // namespace hosttest
