#include "bundle_cache.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bundle_writer.h"

namespace fssim {

namespace {

namespace fs = std::filesystem;

constexpr const char* kManifestName = "fullstory-sim-cache.manifest";

// Everything the cached bytes depend on.
std::string describe_generation(const BundleCatalog& catalog, const EventGenerator& generator) {
  std::ostringstream text;
  text << "generator-version " << EventGenerator::kVersion << "\nseed " << generator.seed() << '\n'
       << describe_odd_events(generator.odd_events()) << '\n';
  for (const Bundle& bundle : catalog.bundles()) {
    text << "bundle " << bundle.id << ' ' << bundle.start << ' ' << bundle.stop << ' ' << bundle.event_count << '\n';
  }
  return text.str();
}

std::string read_file_or_empty(const fs::path& path) {
  if (!fs::exists(path)) return {};
  std::string text(fs::file_size(path), '\0');
  std::ifstream(path, std::ios::binary).read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace

BundleCache::BundleCache(std::string dir, const BundleCatalog& catalog, const EventGenerator& generator)
    : dir_(std::move(dir)) {
  fs::create_directories(dir_);
  const fs::path manifest = fs::path(dir_) / kManifestName;
  const std::string expected = describe_generation(catalog, generator);
  const bool files_trusted = read_file_or_empty(manifest) == expected;
  // Drop the manifest first: if generation is interrupted, the next run regenerates.
  if (!files_trusted) fs::remove(manifest);
  for (const Bundle& bundle : catalog.bundles()) {
    const std::string path = path_of(bundle);
    if (!files_trusted || !fs::exists(path)) write_gzip_bundle_file(generator, bundle, path);
  }
  if (!files_trusted) {
    std::ofstream out(manifest, std::ios::binary | std::ios::trunc);
    out << expected;
    if (!out.flush()) throw std::runtime_error("cannot write '" + manifest.string() + "'");
  }
}

std::string BundleCache::path_of(const Bundle& bundle) const {
  return (fs::path(dir_) / (std::to_string(bundle.id) + ".json.gz")).string();
}

std::uint64_t BundleCache::size_of(const Bundle& bundle) const { return fs::file_size(path_of(bundle)); }

}  // namespace fssim
