#include "metadata_api.h"

#include <stdexcept>
#include <unordered_set>

#include "percent_encoding.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

// Users' custom properties may nest objects; FullStory bounds them, and nothing it documents
// comes near this.
constexpr int kMaxItemDepth = 64;

std::string page_name(const MetadataStream& stream, uint64_t number) {
  if (stream.shape == MetadataShape::kSingleton) return std::string(stream.name) + " (GET " + stream.path + ")";
  return std::string(stream.name) + " page " + std::to_string(number) + " (GET " + stream.path + ")";
}

// The next page's token: "" on the last page (absent, null or empty, as FullStory answers).
std::string next_token(const MetadataStream& stream, const nlohmann::ordered_json& page) {
  for (const char* key : stream.next_page_keys) {
    if (key == nullptr) continue;
    const auto found = page.find(key);
    if (found == page.end() || found->is_null()) continue;
    if (!found->is_string()) {
      throw std::runtime_error(std::string("\"") + key + "\" should be a string, found " +
                               json_excerpt(nlohmann::json(*found)));
    }
    return found->get<std::string>();
  }
  return {};
}

}  // namespace

MetadataPage parse_metadata_page(const MetadataStream& stream, std::string_view body) {
  nlohmann::ordered_json document = parse_untrusted_ordered_json(body, kMaxItemDepth);
  if (document.is_discarded()) {
    throw std::runtime_error("the body is not JSON (or nests deeper than " + std::to_string(kMaxItemDepth) +
                             " levels)");
  }
  if (!document.is_object()) {
    throw std::runtime_error("expected a JSON object, found " + json_excerpt(nlohmann::json(document)));
  }
  MetadataPage page;
  if (stream.shape == MetadataShape::kSingleton) {
    page.items.push_back(std::move(document));
    return page;
  }
  page.next = next_token(stream, document);
  const auto items = document.find(stream.items_key);
  // FullStory leaves an empty list out, as protobuf's JSON mapping does.
  if (items == document.end() || items->is_null()) return page;
  if (!items->is_array()) {
    throw std::runtime_error(std::string("\"") + stream.items_key + "\" should be an array, found " +
                             json_excerpt(nlohmann::json(*items)));
  }
  page.items = std::move(*items);
  return page;
}

MetadataApi::MetadataApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch)
    : config_([&config] {
        SourceConfig api = config;
        api.base_url = config.api_base_url;
        return api;
      }()),
      session_(config_, tls, host, watch) {}

void MetadataApi::read(const MetadataStream& stream, const ItemHandler& on_item) {
  pages_ = 0;
  std::string token;
  std::unordered_set<std::string> tokens_seen;
  for (;;) {
    const MetadataPage page = fetch(stream, token, pages_ + 1);
    ++pages_;
    for (const nlohmann::ordered_json& item : page.items) {
      if (!item.is_object()) {
        throw etl::Error(ETL_E_INVALID_DATA, page_name(stream, pages_) + ": an item is " +
                                                 json_excerpt(nlohmann::json(item)) +
                                                 ", not an object: FullStory's answer is not what it documents");
      }
      if (!on_item(item)) return;
    }
    if (page.next.empty()) return;
    if (!tokens_seen.insert(page.next).second) {
      throw etl::Error(ETL_E_INVALID_DATA, page_name(stream, pages_) +
                                               ": FullStory handed out a page token it had handed out before, so its "
                                               "pages would never end; the stream stops here and its state is not "
                                               "saved");
    }
    token = page.next;
  }
}

std::string MetadataApi::target(const MetadataStream& stream, const std::string& token) const {
  std::string query;
  const auto add = [&query](const std::string& parameter) { query += (query.empty() ? "?" : "&") + parameter; };
  if (stream.page_limit > 0) add("limit=" + std::to_string(stream.page_limit));
  // The list leaves schema out unless asked; with it, a user is all that GET /v2/users/{id} says.
  if (std::string_view(stream.name) == "users") add("include_schema=true");
  if (!token.empty()) add(std::string(stream.page_query) + "=" + percent_encoded(token));
  return stream.path + query;
}

MetadataPage MetadataApi::fetch(const MetadataStream& stream, const std::string& token, uint64_t number) {
  const std::string what = page_name(stream, number);
  const auto client_error = [&](int status, const std::string& where, const std::string& said) {
    switch (status) {
      case 400: return etl::Error(ETL_E_INVALID_ARGUMENT, where + ": FullStory refused the request" + said, status);
      case 401: return key_rejected(where, status);
      case 403:
        return etl::Error(ETL_E_PERMISSION_DENIED,
                          where + ": the API key lacks permission (" +
                              (stream.admin_only ? "FullStory's privacy settings need an Admin key"
                                                 : "this endpoint needs an Admin or Architect key") +
                              ")" + said,
                          status);
      case 404:
        return etl::Error(
            ETL_E_NOT_FOUND,
            where + ": FullStory has no such endpoint at " + config_.base_url.text() + ": check api_base_url" + said,
            status);
      default: return unexpected_status(where, status, said);
    }
  };
  MetadataPage page;
  session_.with_retries(what, [&] {
    session_.host().activity(ETL_ACTIVITY_WORKING, "reading " + what);
    HttpClient& http = session_.api();
    session_.check_status(http, http.get(target(stream, token), session_.api_headers()), what, client_error);
    session_.read_small_body(http, what, [&](std::string_view body) { page = parse_metadata_page(stream, body); });
  });
  return page;
}

}  // namespace fullstory
