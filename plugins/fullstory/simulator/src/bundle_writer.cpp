#include "bundle_writer.h"

#include <cstdio>
#include <stdexcept>

#include "bundle_json.h"
#include "gzip_sink.h"

namespace fssim {

void write_gzip_bundle(const EventGenerator& generator, const Bundle& bundle, ByteSink& sink) {
  GzipSink gzip(sink);
  write_bundle_events(generator, bundle, EventFraming::kJsonArray, gzip);
  gzip.finish();
}

void write_gzip_bundle_file(const EventGenerator& generator, const Bundle& bundle, const std::string& path) {
  const std::string temporary = path + ".partial";
  {
    FileSink file(temporary);
    write_gzip_bundle(generator, bundle, file);
    file.close();
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename '" + temporary + "' to '" + path + "'");
  }
}

}  // namespace fssim
