// Helpers for the host tests: temp dirs, files, where the binaries are, running etlhost.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "etlhost/plugin.h"
#include "etlhost_bin.h"
#include "files.h"
#include "process.h"
#include "text.h"

namespace hosttest {

using etltest::contains;
using etltest::etlhost_bin;
using etltest::file_exists;
using etltest::lines_of;
using etltest::read_file;
using etltest::TempDir;
using etltest::write_file;

/// A temp dir with a test sink's journal and a state file, for the pipeline tests.
struct RunFiles {
  TempDir dir;
  std::string journal = dir.file("journal");
  std::string state = dir.file("state.json");

  std::vector<std::string> journal_lines() const { return lines_of(read_file(journal)); }
};

/// The build's real plugin directory (etl-demo.so, ...).
/// The ABI this tree speaks as the host prints it ("1.2"), from the header (one fact).
inline std::string current_abi_text() { return std::to_string(ETL_ABI_MAJOR) + "." + std::to_string(ETL_ABI_MINOR); }

std::string plugin_dir();
/// The directory of the test-fixture plugins (etl-t-script.so, ...).
std::string fixture_dir();

/// Runs etlhost with `args`. ETLHOST_PLUGIN_PATH is set to the fixture dir and the
/// fixtures' env variables are removed, unless `options` says otherwise.
etltest::ProcessResult run_etlhost(const std::vector<std::string>& args, etltest::ProcessOptions options = {});
/// The same options run_etlhost applies, to start a Process by hand.
etltest::ProcessOptions etlhost_options(etltest::ProcessOptions options = {});

}  // namespace hosttest
