// Unit tests of JsonArraySplitter: boundaries, strings, nesting, whitespace, errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "json_array_splitter.h"

using fullstory::ElementSink;
using fullstory::JsonArraySplitter;
using fullstory::SplitError;

namespace {

struct Collect final : ElementSink {
  std::vector<std::string> elements;
  void element(std::string_view json) override { elements.emplace_back(json); }
};

std::vector<std::string> split_whole(const std::string& input) {
  Collect sink;
  JsonArraySplitter splitter(sink);
  splitter.write(input.data(), input.size());
  splitter.finish();
  return sink.elements;
}

SplitError::Kind error_kind(const std::string& input) {
  Collect sink;
  JsonArraySplitter splitter(sink);
  try {
    splitter.write(input.data(), input.size());
    splitter.finish();
  } catch (const SplitError& e) {
    return e.kind();
  }
  FAIL("no SplitError for: " << input);
  return SplitError::Kind::kGarbage;
}

const std::string kTricky =
    " \n[ {\"a\" : \"x, y ]}\" , \"b\\\"\":[1, 2,{\"c\":\"\\\\\"}] } ,\r\n"
    "{\"e\":\"caf\xc3\xa9 \xf0\x9f\x8e\x89 \\n\"}, [ 1 , [] ], \"s\\\\\" , 12.5e3 ,true,null, {} ]  \n";
const std::vector<std::string> kTrickyElements = {
    R"({"a":"x, y ]}","b\"":[1,2,{"c":"\\"}]})",
    "{\"e\":\"caf\xc3\xa9 \xf0\x9f\x8e\x89 \\n\"}",
    "[1,[]]",
    R"("s\\")",
    "12.5e3",
    "true",
    "null",
    "{}",
};

}  // namespace

TEST_CASE("splitter: elements of a tricky array, compact, whitespace outside strings stripped") {
  CHECK(split_whole(kTricky) == kTrickyElements);
}

TEST_CASE("splitter: every chunk boundary gives the same elements") {
  for (size_t cut = 0; cut <= kTricky.size(); ++cut) {
    Collect sink;
    JsonArraySplitter splitter(sink);
    splitter.write(kTricky.data(), cut);
    splitter.write(kTricky.data() + cut, kTricky.size() - cut);
    splitter.finish();
    CHECK_MESSAGE(sink.elements == kTrickyElements, "cut at " << cut);
  }
}

TEST_CASE("splitter: one byte at a time") {
  Collect sink;
  JsonArraySplitter splitter(sink);
  for (const char c : kTricky) splitter.write(&c, 1);
  splitter.finish();
  CHECK(sink.elements == kTrickyElements);
}

TEST_CASE("splitter: empty arrays") {
  CHECK(split_whole("[]").empty());
  CHECK(split_whole(" [ \n ] \n").empty());
}

TEST_CASE("splitter: whitespace inside strings is kept byte for byte") {
  CHECK(split_whole(R"([{"k":"  two  spaces\ttab"}])") == std::vector<std::string>{R"({"k":"  two  spaces\ttab"})"});
}

TEST_CASE("splitter: truncated input is reported as incomplete") {
  CHECK(error_kind("") == SplitError::Kind::kIncomplete);
  CHECK(error_kind("  ") == SplitError::Kind::kIncomplete);
  CHECK(error_kind("[") == SplitError::Kind::kIncomplete);
  CHECK(error_kind(R"([{"a":1})") == SplitError::Kind::kIncomplete);
  CHECK(error_kind(R"([{"a":1},)") == SplitError::Kind::kIncomplete);
  CHECK(error_kind(R"([{"a":"unterminated)") == SplitError::Kind::kIncomplete);
  CHECK(error_kind(R"([{"a":"ends in escape\)") == SplitError::Kind::kIncomplete);
  CHECK(error_kind(R"([{"a":[1,2)") == SplitError::Kind::kIncomplete);
}

TEST_CASE("splitter: garbage is reported with its offset") {
  CHECK(error_kind("x[]") == SplitError::Kind::kGarbage);
  CHECK(error_kind("{}") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[{} {}]") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[{}}]") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[{},]") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[,{}]") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[{}] x") == SplitError::Kind::kGarbage);
  CHECK(error_kind("[{}][]") == SplitError::Kind::kGarbage);

  Collect sink;
  JsonArraySplitter splitter(sink);
  const std::string input = R"([{"a":1},{"b":2}#])";
  try {
    splitter.write(input.data(), input.size());
    FAIL("expected garbage");
  } catch (const SplitError& e) {
    CHECK(e.offset() == input.find('#'));
    CHECK(std::string(e.what()).find("'#'") != std::string::npos);
  }
  CHECK(sink.elements.size() == 2);
}

TEST_CASE("splitter: an element over the size cap is refused") {
  Collect sink;
  JsonArraySplitter splitter(sink, 16);
  const std::string input = R"([{"a":"0123456789abcdef"}])";
  try {
    splitter.write(input.data(), input.size());
    FAIL("expected too_large");
  } catch (const SplitError& e) {
    CHECK(e.kind() == SplitError::Kind::kTooLarge);
  }
}

TEST_CASE("splitter: an oversized element that never closes is too large however the body is chunked") {
  // Found by json_array_splitter_fuzzer: the size was checked only where a chunk ended, so
  // this body was kIncomplete (a transfer to retry) whole and kTooLarge (a bundle to fail)
  // in pieces.
  const std::string input = "[[[" + std::string(64, '1') + "]";
  for (const size_t piece : {input.size(), size_t{1}, size_t{10}}) {
    CAPTURE(piece);
    Collect sink;
    JsonArraySplitter splitter(sink, 16);
    try {
      for (size_t at = 0; at < input.size(); at += piece) {
        splitter.write(input.data() + at, std::min(piece, input.size() - at));
      }
      splitter.finish();
      FAIL("expected a SplitError");
    } catch (const SplitError& e) {
      CHECK(e.kind() == SplitError::Kind::kTooLarge);
    }
  }
}

TEST_CASE("splitter: reset starts over, element_end_offset tracks the last element") {
  Collect sink;
  JsonArraySplitter splitter(sink);
  const std::string first = R"([{"a":1},)";
  splitter.write(first.data(), first.size());
  CHECK(splitter.element_end_offset() == 8);
  splitter.reset();
  const std::string second = R"([{"b":2}])";
  splitter.write(second.data(), second.size());
  splitter.finish();
  CHECK(sink.elements == std::vector<std::string>{R"({"a":1})", R"({"b":2})"});
  CHECK(splitter.elements() == 1);
}
