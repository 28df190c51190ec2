// bundle_writer.h: a bundle's body as served by export/get, written to any sink.
#pragma once

#include <string>

#include "bundle_catalog.h"
#include "byte_sink.h"
#include "event_generator.h"

namespace fssim {

// The JSON array of the bundle's events, gzip-compressed (level 6) while it streams.
void write_gzip_bundle(const EventGenerator& generator, const Bundle& bundle, ByteSink& sink);

// Writes the gzip body to `path` through a temporary file and a rename, so a reader never
// sees half a file and an interrupted run leaves no truncated bundle behind.
void write_gzip_bundle_file(const EventGenerator& generator, const Bundle& bundle, const std::string& path);

}  // namespace fssim
