// export_body.h: an export's gzip file, generated once into a private temporary directory
// and served from there, so every download and every Range resume sends the same bytes
// with a known Content-Length and ETag, at the cost of one generation per export.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "byte_sink.h"
#include "export_records.h"

namespace fssim {

struct BodyFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string etag;  // quoted, as the header carries it
};

class ExportBodyCache {
 public:
  // Creates the directory (under $TMPDIR); the destructor removes it with its files.
  ExportBodyCache();
  ~ExportBodyCache();
  ExportBodyCache(const ExportBodyCache&) = delete;
  ExportBodyCache& operator=(const ExportBodyCache&) = delete;

  // The file of `search_export_id`, generated on first use. Two first requests at once may
  // both generate it: each writes its own temporary file and renames it into place, and
  // the results agree, the body being deterministic.
  BodyFile get(const std::string& search_export_id, const ExportSource& source, const ExportSpec& spec);

 private:
  std::filesystem::path directory_;
  std::mutex mutex_;
  std::map<std::string, BodyFile> files_;
  std::uint64_t next_temporary_ = 0;
};

// Copies bytes [first, first + length) of the file at `path` into `sink`.
void copy_file_range_to(const std::filesystem::path& path, std::uint64_t first, std::uint64_t length, ByteSink& sink);

}  // namespace fssim
