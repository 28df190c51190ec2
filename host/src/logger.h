// The host's logger: one line per message on stderr,
//   2026-11-26T06:00:00.123Z INFO  [fullstory] message
// or, with --log-format json, one JSON object per line (format_log_line)
// with a level filter, secret redaction and thread safety (plugins log from their own
// threads). stdout is never touched: it belongs to the singer sink's data stream.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/redact.h"

namespace etlhost {

enum class LogLevel { kError = 1, kWarn = 2, kInfo = 3, kDebug = 4 };

/// "error", "warn", "info", "debug" -> level; false for anything else.
bool parse_log_level(std::string_view text, LogLevel* out);

/// --log-format: text lines (the default) or one JSON object per line.
enum class LogFormat { kText, kJson };

class Logger {
 public:
  /// Receives one finished line, newline included. Called under the logger's lock.
  using Writer = std::function<void(std::string_view line)>;

  /// A logger writing to stderr (fd 2) with one write() per line.
  explicit Logger(LogLevel level = LogLevel::kInfo);
  /// A logger writing to `writer` (tests capture lines this way).
  Logger(LogLevel level, Writer writer);

  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void set_level(LogLevel level);
  void set_format(LogFormat format);
  bool enabled(LogLevel level) const;

  /// Registers a secret config value: from now on every line has it replaced by ***, or is
  /// withheld when it holds part of it in another form (etl::Redactor, etlhost/redact.h).
  void add_secret(std::string value);
  /// `text` redacted as a log line is.
  std::string redact(std::string_view text) const;

  /// Logs one line tagged `[tag]`. Secrets are redacted; CR, LF and other control bytes
  /// are escaped, so one call is always exactly one line. Never throws.
  void log(LogLevel level, std::string_view tag, std::string_view message) noexcept;

  /// The host's own messages, tagged [etlhost]. Unlike log(), a multi-line message (the
  /// list of paths tried, say) becomes several lines, each with the full prefix.
  void error(std::string_view message) noexcept { log_lines(LogLevel::kError, message); }
  void warn(std::string_view message) noexcept { log_lines(LogLevel::kWarn, message); }
  void info(std::string_view message) noexcept { log_lines(LogLevel::kInfo, message); }
  void debug(std::string_view message) noexcept { log_lines(LogLevel::kDebug, message); }

  /// The live progress line of a terminal (--progress tty): drawn at the bottom with \r and
  /// ESC[K, without a newline; every log line clears it, prints itself and draws it again,
  /// so the two never mix. "" removes it. Redacted like a log line; control bytes escaped.
  void set_live_line(std::string_view text) noexcept;

 private:
  void log_lines(LogLevel level, std::string_view message) noexcept;
  std::string redact_locked(std::string_view text, std::string_view what) const;

  mutable std::mutex mutex_;
  LogLevel level_;
  LogFormat format_ = LogFormat::kText;
  Writer writer_;
  std::string live_line_;  // what set_live_line() drew, ready to write; "" when none
  etl::Redactor redactor_{"a secret config value"};
};

/// The line layout, without redaction or filtering (exposed for tests). kJson is one object
/// per line, {"time":..., "level":"info", "plugin":"fullstory", "message":...}: "plugin" is
/// the tag ("etlhost" for the host's own lines), invalid UTF-8 becomes U+FFFD.
std::string format_log_line(std::string_view timestamp, LogLevel level, std::string_view tag, std::string_view message,
                            LogFormat format = LogFormat::kText);

}  // namespace etlhost
