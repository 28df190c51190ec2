// Files and directories for the csv tests: each test works in its own temporary directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "files.h"
#include "sink_driver.h"

namespace csv_test {

using etltest::file_exists;
using etltest::list_dir;
using etltest::read_file;
using etltest::TempDir;
using etltest::write_file;

/// A sink on `dir` restored with `checkpoint`, given `messages`, then flushed; REQUIREs
/// every step to succeed and returns the checkpoint taken after the messages.
std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint = "",
                     const std::string& extra_config = "");

}  // namespace csv_test
