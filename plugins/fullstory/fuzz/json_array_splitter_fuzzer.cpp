// The bundle splitter on any bytes. Properties:
// - chunking does not matter: the input fed whole and fed in pieces (cut where the input's
//   own bytes say) yields the same elements and the same error;
// - it agrees with a full JSON parser: the split succeeds and every element is valid JSON
//   exactly when the whole input is a valid JSON array (when no element is over the limit:
//   an oversized one is only measured, and validated by nobody);
// - re-splitting "[" + the elements joined by "," + "]" yields the same elements.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "json_array_splitter.h"

namespace {

using fullstory::JsonArraySplitter;
using fullstory::SplitError;

struct Collect final : fullstory::ElementSink {
  std::vector<std::string> elements;
  bool oversized = false;
  void element(std::string_view json) override { elements.emplace_back(json); }
  void oversized_element(uint64_t bytes) override {
    elements.push_back("<" + std::to_string(bytes) + " bytes>");
    oversized = true;
  }
};

struct Outcome {
  std::vector<std::string> elements;
  std::optional<SplitError::Kind> error;
  bool oversized = false;
  bool operator==(const Outcome&) const = default;
};

// Small enough that the fuzzer reaches the size limit, too.
constexpr size_t kMaxElementBytes = 1024;

Outcome split(std::string_view text, size_t piece) {
  Collect sink;
  JsonArraySplitter splitter(sink, kMaxElementBytes);
  Outcome outcome;
  try {
    for (size_t at = 0; at < text.size(); at += piece) {
      splitter.write(text.data() + at, std::min(piece, text.size() - at));
    }
    splitter.finish();
  } catch (const SplitError& error) {
    outcome.error = error.kind();
  }
  outcome.elements = std::move(sink.elements);
  outcome.oversized = sink.oversized;
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  const Outcome whole = split(text, text.size() + 1);
  const size_t piece = size == 0 ? 1 : 1 + data[0] % 7;
  fuzz::check(split(text, piece) == whole, "the same elements and error whichever way the input is chunked");

  bool elements_valid = !whole.error;
  for (const auto& element : whole.elements) {
    const bool valid = nlohmann::json::accept(element);
    // Whitespace between tokens is dropped; a raw newline inside a string is invalid JSON,
    // left to EventValidator to refuse.
    fuzz::check(!valid || element.find('\n') == std::string::npos, "a valid element never holds a raw newline");
    elements_valid = elements_valid && valid;
  }
  // accept() builds no DOM and does not recurse: safe on any depth. It skips a UTF-8 BOM and
  // takes a NUL byte for the end of the text; the splitter rightly refuses both.
  const bool quirk = text.substr(0, 3) == "\xEF\xBB\xBF" || text.find('\0') != std::string_view::npos;
  if (!whole.oversized && !quirk) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    const bool valid_array = first != std::string_view::npos && text[first] == '[' &&
                             nlohmann::json::accept(text.begin(), text.end());
    fuzz::check(elements_valid == valid_array, "split-and-validate agrees with a JSON parser on the whole array");
  }

  if (!whole.error && !whole.oversized) {
    std::string joined = "[";
    for (size_t i = 0; i < whole.elements.size(); ++i) joined += (i ? "," : "") + whole.elements[i];
    joined += "]";
    const Outcome again = split(joined, joined.size() + 1);
    fuzz::check(!again.error && again.elements == whole.elements, "re-splitting the joined elements is the identity");
  }
  return 0;
}
