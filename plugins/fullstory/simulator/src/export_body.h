// export_body.h: the size and ETag of an export's gzip file, learnt by generating it once
// (no bytes kept) and remembered, so a download can declare Content-Length and ranges.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "export_records.h"

namespace fssim {

struct BodyInfo {
  std::uint64_t size = 0;
  std::string etag;  // quoted, as the header carries it
};

// Generates the file into a counting, hashing sink.
BodyInfo measure_export_body(const ExportSource& source, const ExportSpec& spec);

class ExportBodyCache {
 public:
  // The remembered info for `search_export_id`, measuring it on first use. Two first
  // requests at once may both measure: the results agree, the body being deterministic.
  BodyInfo get(const std::string& search_export_id, const ExportSource& source, const ExportSpec& spec);

 private:
  std::mutex mutex_;
  std::map<std::string, BodyInfo> infos_;
};

}  // namespace fssim
