#include "gzip_sink.h"

#include <zlib.h>
#include <stdexcept>

namespace fssim {

namespace {
// windowBits 15 selects the largest window; +16 asks zlib for a gzip header and trailer
// instead of a raw zlib stream. The header's mtime stays 0, so output is deterministic.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;
constexpr std::size_t kOutBufferSize = 1 << 16;
}  // namespace

struct GzipSink::Stream {
  z_stream z{};
};

GzipSink::GzipSink(ByteSink& next, int level)
    : next_(next), stream_(std::make_unique<Stream>()), out_buffer_(kOutBufferSize, '\0') {
  if (deflateInit2(&stream_->z, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
}

GzipSink::~GzipSink() { deflateEnd(&stream_->z); }

void GzipSink::write(std::string_view bytes) {
  // zlib's API predates const correctness; it never writes through next_in.
  stream_->z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream_->z.avail_in = static_cast<uInt>(bytes.size());
  deflate_into_next(Z_NO_FLUSH);
}

void GzipSink::finish() {
  stream_->z.next_in = nullptr;
  stream_->z.avail_in = 0;
  deflate_into_next(Z_FINISH);
}

void GzipSink::deflate_into_next(int flush_mode) {
  z_stream& z = stream_->z;
  int status = Z_OK;
  do {
    z.next_out = reinterpret_cast<Bytef*>(out_buffer_.data());
    z.avail_out = static_cast<uInt>(out_buffer_.size());
    status = deflate(&z, flush_mode);
    if (status == Z_STREAM_ERROR) throw std::runtime_error("zlib deflate failed");
    const std::size_t produced = out_buffer_.size() - z.avail_out;
    if (produced > 0) next_.write(std::string_view(out_buffer_.data(), produced));
    // Z_NO_FLUSH is done once zlib left output space unused; Z_FINISH once the trailer is out.
  } while (flush_mode == Z_FINISH ? status != Z_STREAM_END : z.avail_out == 0);
}

}  // namespace fssim
