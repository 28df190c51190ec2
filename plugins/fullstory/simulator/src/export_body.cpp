#include "export_body.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "hex_text.h"
#include "splitmix64.h"

namespace fssim {

namespace {

// Passes bytes on and folds them into a 64-bit hash (for the ETag) while counting them.
class HashingSink final : public ByteSink {
 public:
  explicit HashingSink(ByteSink& next) : next_(next) {}
  void write(std::string_view bytes) override {
    for (unsigned char c : bytes) hash_ = (hash_ ^ c) * 0x100000001B3ULL;  // FNV-1a
    size_ += bytes.size();
    next_.write(bytes);
  }
  std::uint64_t size() const { return size_; }
  std::string etag() const {
    std::string text = "\"";
    append_hex64(text, mix64(hash_ ^ size_));
    return text + "\"";
  }

 private:
  ByteSink& next_;
  std::uint64_t hash_ = 0xCBF29CE484222325ULL;
  std::uint64_t size_ = 0;
};

std::filesystem::path make_private_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fullstory-sim-exports.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a directory for export files from '" + pattern +
                             "': " + std::strerror(errno) + " (set TMPDIR to a writable directory)");
  }
  return pattern;
}

}  // namespace

ExportBodyCache::ExportBodyCache() : directory_(make_private_directory()) {}

ExportBodyCache::~ExportBodyCache() {
  std::error_code ignored;  // nothing to do about a file that will not go away at exit
  std::filesystem::remove_all(directory_, ignored);
}

BodyFile ExportBodyCache::get(const std::string& search_export_id, const ExportSource& source, const ExportSpec& spec) {
  std::filesystem::path temporary;
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = files_.find(search_export_id); found != files_.end()) return found->second;
    temporary = directory_ / (search_export_id + ".partial." + std::to_string(next_temporary_++));
  }
  BodyFile body{directory_ / (search_export_id + ".gz"), 0, ""};
  {  // generated outside the lock: it takes a while, and other exports must not wait
    FileSink file(temporary.string());
    HashingSink hashing(file);
    write_gzip_export(source, spec, hashing);
    file.close();
    body.size = hashing.size();
    body.etag = hashing.etag();
  }
  std::filesystem::rename(temporary, body.path);
  const std::lock_guard lock(mutex_);
  return files_.emplace(search_export_id, std::move(body)).first->second;
}

void copy_file_range_to(const std::filesystem::path& path, std::uint64_t first, std::uint64_t length, ByteSink& sink) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open '" + path.string() + "': " + std::strerror(errno));
  std::vector<char> buffer(1 << 16);
  try {
    if (::fseeko(file, static_cast<off_t>(first), SEEK_SET) != 0) {
      throw std::runtime_error("cannot seek in '" + path.string() + "': " + std::strerror(errno));
    }
    while (length > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
      const std::size_t got = std::fread(buffer.data(), 1, want, file);
      if (got == 0) throw std::runtime_error("'" + path.string() + "' is shorter than expected");
      sink.write(std::string_view(buffer.data(), got));
      length -= got;
    }
  } catch (...) {
    std::fclose(file);
    throw;
  }
  std::fclose(file);
}

}  // namespace fssim
