#include "metadata_handler.h"

#include <vector>

#include "fault_responder.h"
#include "http_responses.h"
#include "json_writer.h"
#include "metadata_data.h"
#include "request_parsing.h"

namespace fssim {
namespace {

constexpr std::string_view kUsersPath = "/v2/users";
constexpr std::string_view kSegmentsPath = "/segments/v1";
constexpr std::string_view kSettingsPrefix = "/settings/recording/v1/";

// An opaque-looking page token that names the offset of the next page.
std::string token_for(std::size_t offset) { return "pg_" + std::to_string(offset) + "_sim"; }

std::optional<std::size_t> offset_of(const std::string& token, std::size_t count) {
  if (!token.starts_with("pg_") || !token.ends_with("_sim")) return std::nullopt;
  const auto offset = parse_int64(std::string_view(token).substr(3, token.size() - 7));
  if (!offset || *offset <= 0 || static_cast<std::size_t>(*offset) >= count) return std::nullopt;
  return static_cast<std::size_t>(*offset);
}

// A page of `items` JSON texts: {"<items_key>":[...],<extra>,"<token_key>":"..."}.
struct PageSpec {
  const char* items_key;
  const char* token_key;
  bool empty_token_on_last;  // "" on the last page (one doc example) instead of no member
};

std::string page_json(const PageSpec& spec, const std::vector<std::string>& items, std::size_t next, std::size_t count,
                      const std::vector<std::pair<const char*, std::string>>& extra = {}) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.key(spec.items_key);
  json.begin_array();
  for (const std::string& item : items) json.raw(item);
  json.end_array();
  for (const auto& [name, value] : extra) json.member(name, value);
  if (next < count) {
    json.member(spec.token_key, token_for(next));
  } else if (spec.empty_token_on_last) {
    json.member(spec.token_key, std::string());
  }
  json.end_object();
  return out;
}

// limit: default 20, 1 to 100; and where the page starts. False after sending a 400.
bool read_paging(Exchange& exchange, std::size_t count, std::size_t& limit, std::size_t& offset) {
  limit = 20;
  if (const auto text = query_parameter(exchange.request, "limit")) {
    const auto value = parse_int64(*text);
    if (!value || *value < 1 || *value > 100) {
      send_json_error(exchange, HttpStatus::HTTP_BAD_REQUEST, "invalid_argument", "limit must be between 1 and 100");
      return false;
    }
    limit = static_cast<std::size_t>(*value);
  }
  std::string token = query_parameter(exchange.request, "paginationToken").value_or("");
  if (token.empty()) token = query_parameter(exchange.request, "pagination_token").value_or("");
  offset = 0;
  if (token.empty()) return true;
  const auto found = offset_of(token, count);
  if (!found) {
    send_json_error(exchange, HttpStatus::HTTP_BAD_REQUEST, "invalid_argument", "invalid pagination token");
    return false;
  }
  offset = *found;
  return true;
}

}  // namespace

bool MetadataHandler::serves(const std::string& path) {
  return path == kUsersPath || path.starts_with(std::string(kUsersPath) + "/") || path == kSegmentsPath ||
         path.starts_with(kSettingsPrefix);
}

void MetadataHandler::serve_api(Exchange& exchange) {
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) return send_method_not_allowed(exchange, "GET");
  if (path_ == kUsersPath) return serve_users(exchange);
  if (path_.starts_with(std::string(kUsersPath) + "/"))
    return serve_user(exchange, path_.substr(kUsersPath.size() + 1));
  if (path_ == kSegmentsPath) return serve_segments(exchange);
  serve_settings(exchange, path_.substr(kSettingsPrefix.size()));
}

void MetadataHandler::send(Exchange& exchange, Endpoint endpoint, std::string body) {
  const PlannedResponse planned = json_document(std::move(body));
  if (const auto fault = context_.faults.take(endpoint, std::nullopt)) {
    return respond_with_fault(exchange, context_, *fault, endpoint, planned);
  }
  send_planned(exchange, planned);
}

void MetadataHandler::serve_users(Exchange& exchange) {
  ++context_.stats.users_requests;
  const MetadataData data(context_.options);
  // Only page_token pages: tap-fullstory 2.0's paginationToken is ignored, as by FullStory.
  const std::string token = query_parameter(exchange.request, "page_token").value_or("");
  std::size_t offset = 0;
  if (!token.empty()) {
    const auto found = offset_of(token, data.user_count());
    if (!found)
      return send_json_error(exchange, HttpStatus::HTTP_BAD_REQUEST, "invalid_argument", "invalid page_token");
    offset = *found;
  }
  const bool include_schema = query_parameter(exchange.request, "include_schema").value_or("") == "true";
  const std::size_t end = std::min(data.user_count(), offset + context_.options.users_page_size);
  std::vector<std::string> users;
  for (std::size_t i = offset; i < end; ++i) users.push_back(data.user(i, include_schema));
  send(exchange, Endpoint::kUsers,
       page_json({"results", "next_page_token", false}, users, end, data.user_count(),
                 {{"total_records", std::to_string(data.user_count())}}));
}

void MetadataHandler::serve_user(Exchange& exchange, const std::string& id) {
  ++context_.stats.user_detail_requests;
  const MetadataData data(context_.options);
  const auto index = data.user_index(id);
  if (!index) {
    return send_json_error(exchange, HttpStatus::HTTP_NOT_FOUND, "user_not_found", "user '" + id + "' not found");
  }
  const bool include_schema = query_parameter(exchange.request, "include_schema").value_or("") == "true";
  send(exchange, Endpoint::kUsers, data.user(*index, include_schema));
}

void MetadataHandler::serve_segments(Exchange& exchange) {
  ++context_.stats.segments_requests;
  const MetadataData data(context_.options);
  std::size_t limit = 0;
  std::size_t offset = 0;
  if (!read_paging(exchange, data.segment_count(), limit, offset)) return;
  const std::size_t end = std::min(data.segment_count(), offset + limit);
  std::vector<std::string> segments;
  for (std::size_t i = offset; i < end; ++i) segments.push_back(data.segment(i));
  const bool snake = context_.options.snake_case_tokens;
  send(exchange, Endpoint::kSegments,
       page_json({"segments", snake ? "next_pagination_token" : "nextPaginationToken", snake}, segments, end,
                 data.segment_count()));
}

void MetadataHandler::serve_settings(Exchange& exchange, const std::string& rest) {
  ++context_.stats.settings_requests;
  const bool history = rest.ends_with("/history");
  const SettingsKind* kind = find_settings_kind(history ? rest.substr(0, rest.size() - 8) : rest);
  if (kind == nullptr) return send_resource_not_found(exchange, "settings", rest);
  if (kind->admin_only && context_.options.non_admin_key) {
    ++context_.stats.forbidden;
    return send_json_error(exchange, HttpStatus::HTTP_FORBIDDEN, "forbidden", "insufficient permissions");
  }
  const MetadataData data(context_.options);
  if (!history) return send(exchange, Endpoint::kSettings, data.version(*kind, data.version_count() - 1));
  ++context_.stats.history_requests;
  std::size_t limit = 0;
  std::size_t offset = 0;
  if (!read_paging(exchange, data.version_count(), limit, offset)) return;
  const std::size_t end = std::min(data.version_count(), offset + limit);
  std::vector<std::string> versions;  // newest first: offset 0 is the newest version
  for (std::size_t i = offset; i < end; ++i) versions.push_back(data.version(*kind, data.version_count() - 1 - i));
  const bool snake = context_.options.snake_case_tokens;
  send(exchange, Endpoint::kSettings,
       page_json({"versions", snake ? "next_pagination_token" : "nextPaginationToken", snake}, versions, end,
                 data.version_count()));
}

}  // namespace fssim
