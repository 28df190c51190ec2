#include "export_request.h"

#include <nlohmann/json.hpp>

#include "rfc3339.h"

namespace fssim {

namespace {

// Deeper than any real request: refused before nlohmann's recursive parser sees it.
constexpr std::size_t kMaxNesting = 16;

bool nesting_within(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

using Json = nlohmann::json;

// Reads the string member `name` of `object` into `out`; the error otherwise.
std::optional<std::string> string_member(const Json& object, const std::string& path, const char* name,
                                         std::string& out) {
  if (!object.contains(name)) return path + name + " is required";
  const Json& value = object[name];
  if (!value.is_string()) return path + name + " must be a string, got " + value.type_name();
  out = value.get<std::string>();
  return std::nullopt;
}

std::optional<std::string> parse_type(const std::string& text, ExportSpec& spec) {
  if (text == "TYPE_EVENT") spec.type = ExportType::kEvent;
  else if (text == "TYPE_INDIVIDUAL") spec.type = ExportType::kIndividual;
  else return "type must be TYPE_EVENT or TYPE_INDIVIDUAL, got '" + text + "'";
  return std::nullopt;
}

std::optional<std::string> parse_format(const std::string& text, ExportSpec& spec) {
  if (text == "FORMAT_JSON") spec.format = ExportFormat::kJson;
  else if (text == "FORMAT_NDJSON") spec.format = ExportFormat::kNdjson;
  else if (text == "FORMAT_CSV") spec.format = ExportFormat::kCsv;
  else return "format must be FORMAT_JSON, FORMAT_NDJSON or FORMAT_CSV, got '" + text + "'";
  return std::nullopt;
}

std::optional<std::string> parse_time_range(const Json& body, ExportSpec& spec) {
  if (!body.contains("timeRange")) return "timeRange is required ({\"start\":RFC3339|\"\",\"end\":RFC3339|\"\"})";
  const Json& range = body["timeRange"];
  if (!range.is_object()) return std::string("timeRange must be an object, got ") + range.type_name();
  for (const char* side : {"start", "end"}) {
    const bool is_start = std::string_view(side) == "start";
    std::string& text = is_start ? spec.start_text : spec.end_text;
    if (auto error = string_member(range, "timeRange.", side, text)) return error;
    const auto bound = parse_window_bound(text);
    if (!bound) return std::string("timeRange.") + side + " must be an RFC 3339 timestamp or \"\", got '" + text + "'";
    (is_start ? spec.window.start_millis : spec.window.end_millis) = *bound;
  }
  if (spec.window.start_millis && spec.window.end_millis && *spec.window.start_millis > *spec.window.end_millis) {
    return "timeRange.start must not be after timeRange.end, got " + spec.start_text + " > " + spec.end_text;
  }
  return std::nullopt;
}

std::optional<std::string> parse_fields(const Json& body, ExportSpec& spec) {
  if (!body.contains("fields") || body["fields"].is_null()) return std::nullopt;
  const Json& fields = body["fields"];
  if (!fields.is_array()) return std::string("fields must be an array of strings, got ") + fields.type_name();
  std::vector<std::string> names;
  for (const Json& name : fields) {
    if (!name.is_string()) return std::string("fields must hold only strings, got ") + name.type_name();
    names.push_back(name.get<std::string>());
  }
  std::string error;
  auto selection = FieldSelection::parse(spec.type, names, error);
  if (!selection) return error;
  spec.fields = std::move(*selection);
  spec.field_names = std::move(names);
  return std::nullopt;
}

}  // namespace

std::optional<std::optional<std::int64_t>> parse_window_bound(std::string_view text) {
  if (text.empty()) return std::optional<std::int64_t>();
  const auto millis = parse_rfc3339_millis(text);
  if (!millis) return std::nullopt;
  return millis;
}

std::variant<ExportSpec, std::string> parse_export_request(std::string_view body_text) {
  if (!nesting_within(body_text, kMaxNesting)) return "request body nests deeper than " + std::to_string(kMaxNesting);
  const Json body = Json::parse(body_text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return std::string("request body must be a JSON object, got invalid JSON");
  if (!body.is_object()) return std::string("request body must be a JSON object, got ") + body.type_name();
  ExportSpec spec;
  std::string type, format;
  if (auto error = string_member(body, "", "segmentId", spec.segment_id)) return *error;
  if (auto error = string_member(body, "", "type", type)) return *error;
  if (auto error = parse_type(type, spec)) return *error;
  if (auto error = string_member(body, "", "format", format)) return *error;
  if (auto error = parse_format(format, spec)) return *error;
  if (auto error = parse_time_range(body, spec)) return *error;
  if (body.contains("segmentTimeRange") && !body["segmentTimeRange"].is_object()) {
    return std::string("segmentTimeRange must be an object, got ") + body["segmentTimeRange"].type_name();
  }
  if (auto error = parse_fields(body, spec)) return *error;
  return spec;
}

}  // namespace fssim
