// export_records.h: the records of a Segment Export, and its file in each format.
#pragma once

#include <functional>
#include <string_view>

#include "bundle_catalog.h"
#include "byte_sink.h"
#include "event_generator.h"
#include "export_spec.h"

namespace fssim {

struct ExportSource {
  const BundleCatalog& catalog;
  const EventGenerator& generator;
};

// Calls `record` with each record's compact JSON text (fields already selected), in order:
// events by EventStart across bundles, individuals by IndvId. The text is valid only during
// the call.
void for_each_record(const ExportSource& source, const ExportSpec& spec,
                     const std::function<void(std::string_view)>& record);

// The file's contents before compression: one JSON array, NDJSON lines, or a CSV header row
// and one row per record.
void write_export_records(const ExportSource& source, const ExportSpec& spec, ByteSink& sink);

// The file as served: write_export_records gzip-compressed at level 6, the same bytes on
// every call.
void write_gzip_export(const ExportSource& source, const ExportSpec& spec, ByteSink& sink);

}  // namespace fssim
