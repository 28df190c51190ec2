#include "export_body.h"

#include "hex_text.h"
#include "splitmix64.h"

namespace fssim {

namespace {

// Counts bytes and folds them into a 64-bit hash.
class HashingSink final : public ByteSink {
 public:
  void write(std::string_view bytes) override {
    for (unsigned char c : bytes) hash_ = (hash_ ^ c) * 0x100000001B3ULL;  // FNV-1a
    size_ += bytes.size();
  }
  std::uint64_t size() const { return size_; }
  std::uint64_t hash() const { return mix64(hash_ ^ size_); }

 private:
  std::uint64_t hash_ = 0xCBF29CE484222325ULL;
  std::uint64_t size_ = 0;
};

std::string quoted_hex(std::uint64_t value) {
  std::string text = "\"";
  append_hex64(text, value);
  return text + "\"";
}

}  // namespace

BodyInfo measure_export_body(const ExportSource& source, const ExportSpec& spec) {
  HashingSink sink;
  write_gzip_export(source, spec, sink);
  return BodyInfo{sink.size(), quoted_hex(sink.hash())};
}

BodyInfo ExportBodyCache::get(const std::string& search_export_id, const ExportSource& source, const ExportSpec& spec) {
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = infos_.find(search_export_id); found != infos_.end()) return found->second;
  }
  BodyInfo info = measure_export_body(source, spec);  // outside the lock: it takes a while
  const std::lock_guard lock(mutex_);
  return infos_.emplace(search_export_id, std::move(info)).first->second;
}

}  // namespace fssim
