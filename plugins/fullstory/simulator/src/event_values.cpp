#include "event_values.h"

#include <string>

namespace fssim::event_values {

namespace {

// About 2 KB of text, built from whole phrases so no UTF-8 sequence is split.
std::string make_long_text() {
  constexpr std::size_t kTargetBytes = 2048;
  constexpr std::string_view kPhrase = "The quick brown fox jumps over the lazy dog. Ça va? ";
  std::string text;
  while (text.size() + kPhrase.size() <= kTargetBytes) text += kPhrase;
  return text;
}

}  // namespace

std::span<const std::string_view> target_texts() {
  static const std::string long_text = make_long_text();
  static const std::array<std::string_view, 19> texts = {
      "Add to cart",
      "Café crème, naïve résumé",
      "中文按钮 / Ελληνικά / русский",
      "Party time \U0001F389",  // 🎉 lies outside the BMP: a UTF-16 surrogate pair
      // 👨‍👩‍👧‍👦 (a ZWJ sequence) and 🇫🇷 (regional indicators): one glyph, many code points.
      "Family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 and flag \U0001F1EB\U0001F1F7",
      "Say \"hello\" to \"quotes\"",
      "a,b,,c, \"d,e\"",
      "C:\\Users\\name\\file.txt and a literal \\n",
      "line1\rline2",
      "line1\nline2",
      "row1\r\nrow2",
      "col1\tcol2\t",
      "bell\a unit-separator\x1f start-of-heading\x01",  // escaped as \u00XX
      "",
      long_text,
      "=SUM(A1:A9)",  // looks like a CSV formula injection
      "\"",
      "  padded with spaces  ",
      "Buy now",
  };
  return texts;
}

}  // namespace fssim::event_values
