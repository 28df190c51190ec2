// Small text helpers shared by the host: suggestions, timestamps, quoting, status names.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.h"

namespace etlhost {

/// Levenshtein distance, for did-you-mean suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate to `word`: edit distance <= 2, or one is a prefix of the other.
/// nullopt when nothing is close enough.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" or "" (ready to append to a message).
std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates);

/// "2026-11-26T06:00:00.123Z" for the given wall-clock time (UTC, milliseconds).
std::string utc_timestamp(std::chrono::system_clock::time_point when);
std::string utc_timestamp_now();

/// "a, b, c".
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// Splits on `separator`, dropping empty parts ("a::b" -> {a, b}).
std::vector<std::string> split_nonempty(std::string_view text, char separator);

/// `text` cut to `max` bytes (on a UTF-8 boundary) with "..." appended when cut.
std::string abbreviate(std::string_view text, size_t max);

/// How much of a quoted value abbreviate() keeps, by what the value is: enough to
/// recognise it, short enough that one bad value cannot flood a message or a log line.
namespace excerpt {
/// A short scalar, e.g. the state file's "etlhost_state" version field.
inline constexpr size_t kScalar = 40;
/// A plugin's version string.
inline constexpr size_t kVersion = 60;
/// A name or one argument: a stream, a key, a --set, a descriptor string.
inline constexpr size_t kName = 80;
/// A JSON value, or a list of names, inside an error message.
inline constexpr size_t kJson = 120;
/// A record inside an error message.
inline constexpr size_t kRecord = 160;
/// A state, a checkpoint or a plugin's own message in a log line.
inline constexpr size_t kState = 200;
/// One line of a child process's stderr quoted in a report.
inline constexpr size_t kReportLine = 300;
/// One captured log line quoted in a report.
inline constexpr size_t kLogLine = 400;
}  // namespace excerpt

/// The symbolic name of a status ("ETL_E_IO"), "status 99" for unknown ones.
std::string status_name(etl_status status);

/// Maps statuses this host does not know to ETL_E_INTERNAL (plugin.h, section 2).
etl_status normalize_status(etl_status status);

/// "1 state", "2 states": a count with its noun, plural when it is not 1.
std::string counted(uint64_t count, const std::string& noun);
/// Seconds as a short human string: "0.42 s", "12.3 s", "3 min 05 s".
std::string format_duration(double seconds);

/// `path` made absolute against the working directory, for messages (a relative path means
/// little in a log read later, or under cron, whose working directory is /); `path` itself
/// when that fails.
std::string absolute_path_text(const std::string& path);

/// True when `text` matches [a-z0-9_-]+ (plugin names).
bool is_plugin_name(std::string_view text);
/// True when `text` matches [a-z0-9_]+ (config keys).
bool is_config_key(std::string_view text);
/// True when `text` matches [A-Za-z0-9_.-]+ (stream names).
bool is_stream_name(std::string_view text);

}  // namespace etlhost
