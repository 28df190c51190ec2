// Unit tests of BodyDecoder: gzip payload, plain, double gzip, multi-member, truncation.
#include <doctest/doctest.h>

#include <string>

#include <zlib.h>

#include "body_decoder.h"

using fullstory::BodyDecoder;
using fullstory::ByteSink;
using fullstory::DecodeError;

namespace {

struct Collect final : ByteSink {
  std::string bytes;
  void write(const char* data, size_t size) override { bytes.append(data, size); }
};

std::string gzip(const std::string& input) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, input.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string sample_json() {
  std::string json = "[";
  for (int i = 0; i < 5000; ++i) json += (i ? "," : "") + std::string(R"({"i":)") + std::to_string(i) + R"(,"t":"é"})";
  return json + "]";
}

std::string decode(const std::string& body, size_t chunk, int* layers = nullptr) {
  Collect out;
  BodyDecoder decoder(out);
  for (size_t at = 0; at < body.size(); at += chunk) decoder.write(body.data() + at, std::min(chunk, body.size() - at));
  decoder.finish();
  if (layers != nullptr) *layers = decoder.gzip_layers();
  return out.bytes;
}

}  // namespace

TEST_CASE("decoder: plain JSON passes through unchanged") {
  int layers = -1;
  CHECK(decode(sample_json(), 7, &layers) == sample_json());
  CHECK(layers == 0);
  CHECK(decode("[]", 1) == "[]");
  CHECK(decode("x", 1) == "x");  // shorter than the magic: data, not gzip
  CHECK(decode("", 1).empty());
}

TEST_CASE("decoder: a gzip payload is inflated, whatever the chunking") {
  const std::string body = gzip(sample_json());
  for (const size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{1000}, body.size()}) {
    int layers = -1;
    CHECK(decode(body, chunk, &layers) == sample_json());
    CHECK(layers == 1);
  }
}

TEST_CASE("decoder: double gzip (payload and Content-Encoding) is inflated twice") {
  int layers = -1;
  CHECK(decode(gzip(gzip(sample_json())), 5, &layers) == sample_json());
  CHECK(layers == 2);
}

TEST_CASE("decoder: concatenated gzip members are one stream") {
  CHECK(decode(gzip("[{\"a\":1},") + gzip("{\"b\":2}]"), 3) == "[{\"a\":1},{\"b\":2}]");
}

TEST_CASE("decoder: a truncated gzip stream is reported as truncated") {
  const std::string body = gzip(sample_json());
  for (const size_t keep : {size_t{2}, size_t{10}, body.size() / 2, body.size() - 1}) {
    Collect out;
    BodyDecoder decoder(out);
    decoder.write(body.data(), keep);
    try {
      decoder.finish();
      FAIL("no error for " << keep << " bytes");
    } catch (const DecodeError& e) {
      CHECK(e.kind() == DecodeError::Kind::kTruncated);
    }
  }
}

TEST_CASE("decoder: corrupt gzip is reported as corrupt") {
  std::string body = gzip(sample_json());
  body[3] = static_cast<char>(0xff);  // reserved flag bits
  Collect out;
  BodyDecoder decoder(out);
  CHECK_THROWS_AS(decoder.write(body.data(), body.size()), DecodeError);

  Collect out2;
  BodyDecoder trailing(out2);
  const std::string with_garbage = gzip("[]") + "garbage";
  try {
    trailing.write(with_garbage.data(), with_garbage.size());
    trailing.finish();
    FAIL("trailing garbage accepted");
  } catch (const DecodeError& e) {
    CHECK(e.kind() == DecodeError::Kind::kCorrupt);
  }
}

TEST_CASE("decoder: reset allows a fresh body") {
  Collect out;
  BodyDecoder decoder(out);
  const std::string body = gzip("[1]");
  decoder.write(body.data(), body.size() / 2);
  decoder.reset();
  out.bytes.clear();
  decoder.write(body.data(), body.size());
  decoder.finish();
  CHECK(out.bytes == "[1]");
}
