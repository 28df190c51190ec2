#include "offline_commands.h"

#include "bundle_json.h"
#include "bundle_writer.h"

namespace fssim {

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
  }
  file.close();
}

}  // namespace fssim
