#include "bounded_json.h"

#include <algorithm>

#include "text_util.h"

namespace etlhost {

std::string out_of_range_message(std::string_view text, size_t end, std::string_view number, std::string_view why) {
  // Counted as nlohmann counts its parse error positions: lines from 1, columns from 1.
  const size_t start = end >= number.size() ? end - number.size() : 0;
  const std::string_view before = text.substr(0, std::min(start, text.size()));
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n');
  const size_t column = 1 + start - (line_start == std::string_view::npos ? 0 : line_start + 1);
  return "the number " + abbreviate(number, excerpt::kScalar) + " at line " + std::to_string(line) + ", column " +
         std::to_string(column) + " " + std::string(why);
}

}  // namespace etlhost
