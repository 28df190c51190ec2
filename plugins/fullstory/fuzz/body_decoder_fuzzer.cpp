// The export/get body decoder (gzip layers, concatenated members, plain JSON) on any bytes.
// Properties:
// - chunking does not matter: whole and in pieces, the same output and the same error;
// - one more gzip layer changes nothing: decode(gzip(x)) == decode(x), while x has fewer
//   layers than the decoder undoes.
#include <zlib.h>

#include <optional>
#include <string>

#include "body_decoder.h"
#include "fuzz_check.h"

namespace {

using fullstory::BodyDecoder;
using fullstory::DecodeError;

constexpr int kMaxLayers = 3;
// A gzip bomb inside a gzip bomb grows without a useful bound: stop counting past this.
constexpr uint64_t kMaxOutputBytes = uint64_t{256} << 20;

struct OutputTooLarge {};

// The output's size and FNV-1a hash: compared, never stored.
struct Digest final : fullstory::ByteSink {
  uint64_t size = 0;
  uint64_t hash = 14695981039346656037ull;
  void write(const char* data, size_t length) override {
    size += length;
    if (size > kMaxOutputBytes) throw OutputTooLarge{};
    for (size_t i = 0; i < length; ++i) hash = (hash ^ static_cast<unsigned char>(data[i])) * 1099511628211ull;
  }
};

struct Outcome {
  uint64_t size = 0;
  uint64_t hash = 0;
  int layers = 0;
  std::optional<DecodeError::Kind> error;
  bool operator==(const Outcome&) const = default;
};

std::optional<Outcome> decode(std::string_view body, size_t piece) {
  Digest digest;
  BodyDecoder decoder(digest, kMaxLayers);
  Outcome outcome;
  try {
    for (size_t at = 0; at < body.size(); at += piece)
      decoder.write(body.data() + at, std::min(piece, body.size() - at));
    decoder.finish();
  } catch (const DecodeError& error) {
    outcome.error = error.kind();
  } catch (const OutputTooLarge&) {
    return std::nullopt;
  }
  outcome.size = digest.size;
  outcome.hash = digest.hash;
  outcome.layers = decoder.gzip_layers();
  return outcome;
}

std::string gzip(std::string_view plain) {
  z_stream stream{};
  fuzz::check(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK,
              "zlib deflateInit2");
  std::string out(deflateBound(&stream, static_cast<uLong>(plain.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  fuzz::check(deflate(&stream, Z_FINISH) == Z_STREAM_END, "zlib deflate");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = fuzz::text_of(data, size);
  const auto whole = decode(body, body.size() + 1);
  if (!whole) return 0;
  const size_t piece = size == 0 ? 1 : 1 + data[size - 1] % 13;
  const auto pieces = decode(body, piece);
  fuzz::check(pieces && *pieces == *whole, "the same output and error whichever way the body is chunked");

  if (!whole->error && whole->layers < kMaxLayers) {
    const auto wrapped = decode(gzip(body), 4096);
    fuzz::check(wrapped && wrapped->size == whole->size && wrapped->hash == whole->hash &&
                    wrapped->layers == whole->layers + 1 && !wrapped->error,
                "one more gzip layer decodes to the same bytes");
  }
  return 0;
}
