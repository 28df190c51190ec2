#include "json_members.h"

#include <nlohmann/json.hpp>

#include "etlhost/json_members.h"

namespace etlhost {

std::string_view trim_json_space(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && etl::json_members::is_space(text[begin])) ++begin;
  while (end > begin && etl::json_members::is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::optional<std::string_view> top_level_member_text(std::string_view json, std::string_view key) {
  std::optional<std::string_view> found;
  const bool object = etl::json_members::for_each_member(json, [&](const etl::json_members::Member& member) {
    if (member.key == key) found = member.value;
  });
  return object ? found : std::nullopt;
}

std::string json_quote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace etlhost
