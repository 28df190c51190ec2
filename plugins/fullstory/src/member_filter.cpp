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
  append_members_renamed(
      object_json,
      [&keep](std::string_view name) { return keep(name) ? std::optional<std::string_view>(name) : std::nullopt; },
      out);
}

void append_members_renamed(std::string_view object_json,
                            const std::function<std::optional<std::string_view>(std::string_view name)>& rename,
                            std::string& out) {
  etl::json_members::for_each_member(object_json, [&](const etl::json_members::Member& member) {
    const std::string name = unescaped(member.key);
    const std::optional<std::string_view> copied_as = rename(name);
    if (!copied_as) return;
    if (!out.empty() && out.back() != '{') out += ',';
    if (*copied_as == name) {
      out.append(member.whole);
      return;
    }
    // The key's quotes and text replaced; from the ':' on, the member's own bytes.
    out += '"';
    out += *copied_as;
    out += '"';
    out.append(member.whole.substr(member.key.size() + 2));
  });
}

}  // namespace fullstory
