#include "catalog_file.h"

#include "config_builder.h"
#include "exit_codes.h"
#include "host_error.h"

namespace etlhost {

// Passed on re-serialized (the source parses it anyway).
std::string read_catalog_file(const std::string& path) {
  const auto catalog = read_json_object_file(path, "catalog file " + path + " (--catalog)", exit_code::kConfig);
  if (!catalog.contains("streams") || !catalog["streams"].is_array()) {
    throw HostError(exit_code::kConfig, "catalog file " + path +
                                            " (--catalog) must hold {\"streams\": [...]}, as printed by "
                                            "`etlhost discover`");
  }
  return catalog.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace etlhost
