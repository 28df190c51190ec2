#include "body_decoder.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <zlib.h>

namespace fullstory {
namespace {

constexpr unsigned char kGzipMagic0 = 0x1f;
constexpr unsigned char kGzipMagic1 = 0x8b;
constexpr size_t kInflateChunk = 64 * 1024;

// One gzip stream (possibly several members), inflated incrementally into `output`.
class Inflater {
 public:
  explicit Inflater(ByteSink& output) : output_(output) {
    std::memset(&stream_, 0, sizeof stream_);
    // 16 + MAX_WBITS: gzip wrapper only; a zlib or raw deflate body is not what FullStory sends.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK)
      throw DecodeError(DecodeError::Kind::kCorrupt, "zlib init failed");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  void write(const char* data, size_t size) {
    while (size > 0) {
      const auto step = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
      stream_.avail_in = step;
      inflate_available();
      data += step;
      size -= step;
    }
  }

  bool at_member_end() const { return member_ended_; }

 private:
  // Inflates until the input is used up and zlib holds no more output.
  void inflate_available() {
    for (;;) {
      if (member_ended_) {
        if (stream_.avail_in == 0) return;
        inflateReset(&stream_);  // more bytes after a complete member: RFC 1952 allows another
        member_ended_ = false;
      }
      stream_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      stream_.avail_out = static_cast<uInt>(buffer_.size());
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      const size_t produced = buffer_.size() - stream_.avail_out;
      if (produced > 0) output_.write(buffer_.data(), produced);
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc == Z_OK) {
        if (stream_.avail_in == 0 && stream_.avail_out != 0) return;  // all input used, output drained
      } else if (rc == Z_BUF_ERROR) {
        return;  // no progress possible without more input
      } else {
        throw DecodeError(DecodeError::Kind::kCorrupt, std::string("the gzip data is corrupt (zlib: ") +
                                                           (stream_.msg ? stream_.msg : "error") + ")");
      }
    }
  }

  ByteSink& output_;
  z_stream stream_;
  bool member_ended_ = false;
  std::array<char, kInflateChunk> buffer_{};
};

}  // namespace

// A layer sniffs its first two bytes: gzip goes through an Inflater into the next (inner)
// layer, anything else passes straight to the output.
class BodyDecoder::Layer final : public ByteSink {
 public:
  Layer(ByteSink& output, int depth, int max_layers) : output_(output), depth_(depth), max_layers_(max_layers) {}

  void write(const char* data, size_t size) override {
    if (size == 0) return;
    if (mode_ == Mode::kSniffing) {
      const size_t take = std::min(size, 2 - head_size_);
      std::memcpy(head_ + head_size_, data, take);
      head_size_ += take;
      data += take;
      size -= take;
      if (head_size_ < 2) return;
      decide(static_cast<unsigned char>(head_[0]) == kGzipMagic0 &&
             static_cast<unsigned char>(head_[1]) == kGzipMagic1);
      forward(head_, head_size_);
    }
    forward(data, size);
  }

  void finish() {
    if (mode_ == Mode::kSniffing) {
      // Fewer than two bytes in all: cannot be gzip; pass them on as data.
      decide(false);
      forward(head_, head_size_);
    }
    if (mode_ == Mode::kGzip) {
      if (!inflater_->at_member_end()) {
        throw DecodeError(DecodeError::Kind::kTruncated,
                          "the gzip stream ended early (layer " + std::to_string(depth_ + 1) + ")");
      }
      inner_->finish();
    }
  }

  int gzip_layers() const { return mode_ == Mode::kGzip ? 1 + inner_->gzip_layers() : 0; }

 private:
  enum class Mode { kSniffing, kPlain, kGzip };

  void decide(bool is_gzip) {
    if (is_gzip && depth_ < max_layers_) {
      mode_ = Mode::kGzip;
      inner_ = std::make_unique<Layer>(output_, depth_ + 1, max_layers_);
      inflater_ = std::make_unique<Inflater>(*inner_);
    } else {
      mode_ = Mode::kPlain;
    }
  }

  void forward(const char* data, size_t size) {
    if (size == 0) return;
    if (mode_ == Mode::kGzip) {
      inflater_->write(data, size);
    } else {
      output_.write(data, size);
    }
  }

  ByteSink& output_;
  int depth_;
  int max_layers_;
  Mode mode_ = Mode::kSniffing;
  char head_[2] = {0, 0};
  size_t head_size_ = 0;
  std::unique_ptr<Layer> inner_;  // declared before inflater_: destroyed after it
  std::unique_ptr<Inflater> inflater_;
};

BodyDecoder::BodyDecoder(ByteSink& output, int max_layers)
    : output_(output), max_layers_(max_layers), outer_(std::make_unique<Layer>(output, 0, max_layers)) {}
BodyDecoder::~BodyDecoder() = default;

void BodyDecoder::write(const char* data, size_t size) { outer_->write(data, size); }
void BodyDecoder::finish() { outer_->finish(); }
int BodyDecoder::gzip_layers() const { return outer_->gzip_layers(); }

void BodyDecoder::reset() {
  // Recreating is simpler than resetting every layer, and happens once per download attempt.
  outer_ = std::make_unique<Layer>(output_, 0, max_layers_);
}

}  // namespace fullstory
