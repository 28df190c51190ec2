// Where the etlhost binary under test is, for every suite that runs it.
#pragma once

#include <string>

namespace etltest {

/// The etlhost binary under test: the ETLHOST_TEST_BIN environment variable when set and
/// not empty (e.g. to test an installed etlhost), else the one this build made.
std::string etlhost_bin();

}  // namespace etltest
