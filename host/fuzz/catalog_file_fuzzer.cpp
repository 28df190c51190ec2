// The --catalog file on any bytes. Only HostError(exit 3) may come out. Property: a catalog
// the host accepts is one every SDK source accepts: etl::SyncRequest parses the text the
// host passes on and answers selected() without throwing.
#include "catalog_file.h"
#include "etlhost/plugin.hpp"
#include "exit_codes.h"
#include "fuzz_check.h"
#include "host_error.h"
#include "memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemoryFile file;
  std::string catalog;
  try {
    catalog = etlhost::read_catalog_file(file.hold(fuzz::text_of(data, size)));
  } catch (const etlhost::HostError& error) {
    fuzz::check(error.exit_code() == etlhost::exit_code::kConfig, "a refused catalog is exit 3");
    return 0;
  }
  fuzz::check(catalog.find('\n') == std::string::npos, "the catalog is passed on as one line");
  const etl::SyncRequest request(catalog, "");
  (void)request.selected("events");
  return 0;
}
