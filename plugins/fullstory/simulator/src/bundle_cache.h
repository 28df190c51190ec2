// bundle_cache.h: --cache-dir, gzip bodies generated once and served from disk.
//
// Serving a file is far cheaper than generating and compressing a million events per
// request, which is what benchmarks need: they measure the client, not the simulator.
#pragma once

#include <cstdint>
#include <string>

#include "bundle_catalog.h"
#include "event_generator.h"

namespace fssim {

class BundleCache {
 public:
  // Makes sure `dir` holds <id>.json.gz for every bundle of `catalog`, generating the missing
  // ones. A manifest records what the files were generated from; when it does not match
  // this run (other seed, sizes or generator version) every file is regenerated, so a
  // reused directory never serves stale bundles.
  BundleCache(std::string dir, const BundleCatalog& catalog, const EventGenerator& generator);

  std::string path_of(const Bundle& bundle) const;
  std::uint64_t size_of(const Bundle& bundle) const;

 private:
  std::string dir_;
};

}  // namespace fssim
