#include "member_filter.h"

#include <nlohmann/json.hpp>

#include "etlhost/json_members.h"

namespace fullstory {
namespace {

// A key as written (without its quotes): escapes are rare in keys, so decoded only when
// there is one.
std::string unescaped(std::string_view key) {
  if (key.find('\\') == std::string_view::npos) return std::string(key);
  const std::string quoted = "\"" + std::string(key) + "\"";
  const auto value = nlohmann::json::parse(quoted, nullptr, false);
  return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

void append_members(std::string_view object_json, const std::function<bool(std::string_view name)>& keep,
                    std::string& out) {
  etl::json_members::for_each_member(object_json, [&](const etl::json_members::Member& member) {
    if (!keep(unescaped(member.key))) return;
    if (!out.empty() && out.back() != '{') out += ',';
    out.append(member.whole);
  });
}

}  // namespace fullstory
