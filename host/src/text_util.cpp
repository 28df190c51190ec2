#include "text_util.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <numeric>

#include "etlhost/plugin_util.h"

namespace etlhost {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    if (candidate.empty() || candidate == word) continue;
    const size_t distance = edit_distance(word, candidate);
    const bool prefix = word.size() >= 2 &&
                        (candidate.starts_with(word) || std::string_view(word).starts_with(candidate));
    if (distance > 2 && !prefix) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates) {
  const auto suggestion = did_you_mean(word, candidates);
  return suggestion ? "; did you mean '" + *suggestion + "'?" : std::string();
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const auto since_epoch = when.time_since_epoch();
  const auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  std::time_t seconds = static_cast<std::time_t>(ms_total / 1000);
  int ms = static_cast<int>(ms_total % 1000);
  if (ms < 0) {  // before 1970: keep the fraction positive
    ms += 1000;
    seconds -= 1;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, ms);
  return text;
}

std::string utc_timestamp_now() { return utc_timestamp(std::chrono::system_clock::now()); }

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

std::vector<std::string> split_nonempty(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string abbreviate(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, etl_utf8_prefix_size(text.data(), text.size(), max))) + "...";
}

std::string status_name(etl_status status) {
  switch (status) {
    case ETL_OK: return "ETL_OK";
    case ETL_E_UNKNOWN: return "ETL_E_UNKNOWN";
    case ETL_E_NOT_IMPLEMENTED: return "ETL_E_NOT_IMPLEMENTED";
    case ETL_E_INVALID_ARGUMENT: return "ETL_E_INVALID_ARGUMENT";
    case ETL_E_INVALID_STATE: return "ETL_E_INVALID_STATE";
    case ETL_E_INVALID_DATA: return "ETL_E_INVALID_DATA";
    case ETL_E_IO: return "ETL_E_IO";
    case ETL_E_UNAUTHENTICATED: return "ETL_E_UNAUTHENTICATED";
    case ETL_E_PERMISSION_DENIED: return "ETL_E_PERMISSION_DENIED";
    case ETL_E_NOT_FOUND: return "ETL_E_NOT_FOUND";
    case ETL_E_RATE_LIMITED: return "ETL_E_RATE_LIMITED";
    case ETL_E_TIMEOUT: return "ETL_E_TIMEOUT";
    case ETL_E_CANCELLED: return "ETL_E_CANCELLED";
    case ETL_E_CLOSED: return "ETL_E_CLOSED";
    case ETL_E_ABI_MISMATCH: return "ETL_E_ABI_MISMATCH";
    case ETL_E_INTERNAL: return "ETL_E_INTERNAL";
    case ETL_E_DOWNSTREAM: return "ETL_E_DOWNSTREAM";
    default: return "status " + std::to_string(status);
  }
}

etl_status normalize_status(etl_status status) {
  // ETL_E_DOWNSTREAM (1.1) is the highest status this host knows.
  return (status >= ETL_OK && status <= ETL_E_DOWNSTREAM) ? status : ETL_E_INTERNAL;
}

std::string format_duration(double seconds) {
  char text[48];
  if (seconds < 10) {
    std::snprintf(text, sizeof text, "%.2f s", seconds);
  } else if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else {
    const long long whole = static_cast<long long>(seconds);
    std::snprintf(text, sizeof text, "%lld min %02lld s", whole / 60, whole % 60);
  }
  return text;
}

namespace {
template <class Allowed>
bool all_of_nonempty(std::string_view text, Allowed allowed) {
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}
bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool is_plugin_name(std::string_view text) {
  return all_of_nonempty(text, [](char c) { return lower_or_digit(c) || c == '_' || c == '-'; });
}

bool is_config_key(std::string_view text) {
  return all_of_nonempty(text, [](char c) { return lower_or_digit(c) || c == '_'; });
}

bool is_stream_name(std::string_view text) {
  return all_of_nonempty(
      text, [](char c) { return lower_or_digit(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-'; });
}

std::string counted(uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string absolute_path_text(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

}  // namespace etlhost
