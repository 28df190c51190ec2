// Helpers for the host tests: temp dirs, files, where the binaries are, running etlhost.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "files.h"
#include "process.h"

namespace hosttest {

using etltest::file_exists;
using etltest::lines_of;
using etltest::read_file;
using etltest::TempDir;
using etltest::write_file;

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

/// True when some line of `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle);

}  // namespace hosttest
