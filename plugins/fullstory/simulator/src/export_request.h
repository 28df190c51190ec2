// export_request.h: the JSON body of POST /segments/v1/exports, checked member by member.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "export_spec.h"

namespace fssim {

// The export the body asks for, or a message naming the member and what is wrong with it.
// Whether the segment exists is the caller's business.
std::variant<ExportSpec, std::string> parse_export_request(std::string_view body);

// "" = unbounded, else RFC 3339; for --export-start/--export-end as well as the body.
std::optional<std::optional<std::int64_t>> parse_window_bound(std::string_view text);

}  // namespace fssim
