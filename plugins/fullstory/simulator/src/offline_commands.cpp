#include "offline_commands.h"

#include <nlohmann/json.hpp>

#include "bundle_json.h"
#include "bundle_writer.h"
#include "export_records.h"
#include "export_request.h"
#include "metadata_data.h"

namespace fssim {

namespace {

// --export-start/--export-end/--export-type/--export-fields, checked exactly as the body of
// a create request would be.
ExportSpec segment_dump_spec(const SegmentDumpRequest& request) {
  nlohmann::json body = {{"segmentId", "everyone"},
                         {"type", request.type},
                         {"format", "FORMAT_JSON"},
                         {"timeRange", {{"start", request.start}, {"end", request.end}}}};
  if (request.fields) body["fields"] = *request.fields;
  auto parsed = parse_export_request(body.dump());
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    throw UsageError("--dump-segment-export (--export-start, --export-end, --export-type, --export-fields): " + *error);
  }
  return std::get<ExportSpec>(std::move(parsed));
}

}  // namespace

void run_offline_command(const SimOptions& options) {
  const OfflineCommand& command = options.offline.value();
  const BundleCatalog catalog(options.catalog);
  const EventGenerator generator(options.seed, options.odd_events);

  const Bundle* bundle_to_write = nullptr;
  if (command.kind == OfflineCommand::Kind::kWriteBundle) {
    bundle_to_write = catalog.find(command.bundle_id);
    if (bundle_to_write == nullptr) {  // checked before the output file is created
      throw UsageError("--write-bundle expects a bundle id (" + std::to_string(BundleCatalog::kFirstId) + " + i*" +
                       std::to_string(BundleCatalog::kIdStride) + ", i < " + std::to_string(catalog.bundles().size()) +
                       "), got " + std::to_string(command.bundle_id));
    }
  }

  std::optional<ExportSpec> segment_export;  // checked before the output file is created
  if (command.kind == OfflineCommand::Kind::kDumpSegmentExport)
    segment_export = segment_dump_spec(options.segment_dump);

  std::optional<std::vector<std::string>> metadata;  // checked before the output file is created
  if (command.kind == OfflineCommand::Kind::kDumpMetadata) {
    metadata = MetadataData(options).objects_of(command.stream);
    if (!metadata) {
      throw UsageError("--dump-metadata expects a stream (users, segments, block_rules, block_rules_history, ...), "
                       "got '" +
                       command.stream + "'");
    }
  }

  FileSink file(command.output_path);
  switch (command.kind) {
    case OfflineCommand::Kind::kWriteBundle: write_gzip_bundle(generator, *bundle_to_write, file); break;
    case OfflineCommand::Kind::kDumpEvents:
      for (const Bundle& bundle : catalog.bundles())
        write_bundle_events(generator, bundle, EventFraming::kNdjson, file);
      break;
    case OfflineCommand::Kind::kDumpBundles:
      for (const Bundle& bundle : catalog.bundles()) file.write(bundle_summary_json(bundle) + '\n');
      break;
    case OfflineCommand::Kind::kDumpMetadata:
      for (const std::string& object : *metadata) file.write(object + '\n');
      break;
    case OfflineCommand::Kind::kDumpSegmentExport:
      for_each_record(ExportSource{catalog, generator}, *segment_export, [&file](std::string_view record) {
        file.write(record);
        file.write("\n");
      });
      break;
  }
  file.close();
}

}  // namespace fssim
