// catalog_file.h: the --catalog file of `etlhost run`, read and checked for shape before the
// run, so a typo fails before any plugin is created rather than inside the source.
#pragma once

#include <string>

namespace etlhost {

/// The catalog in `path` as one line of JSON text for the source's sync(). Throws
/// HostError(exit 3) naming the file when it cannot be read, is not JSON or is not
/// {"streams": [...]}.
std::string read_catalog_file(const std::string& path);

}  // namespace etlhost
