#include "logger.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fd_write.h"
#include "text_util.h"

namespace etlhost {

bool parse_log_level(std::string_view text, LogLevel* out) {
  if (text == "error") *out = LogLevel::kError;
  else if (text == "warn") *out = LogLevel::kWarn;
  else if (text == "info") *out = LogLevel::kInfo;
  else if (text == "debug") *out = LogLevel::kDebug;
  else return false;
  return true;
}

namespace {

// One write() per line (looping only on a partial write), so lines from concurrent
// processes sharing stderr do not interleave mid-line.
void write_stderr(std::string_view line) {
  // A failure is dropped: stderr is gone, and there is nowhere left to report it.
  write_all(STDERR_FILENO, line);
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "?";
}

// Back to the start of the line, then erase to its end (the live line's redraw).
constexpr const char* kClearLine = "\r\x1b[K";

const char* level_label(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "ERROR";
    case LogLevel::kWarn: return "WARN ";
    case LogLevel::kInfo: return "INFO ";
    case LogLevel::kDebug: return "DEBUG";
  }
  return "?    ";
}

// Escapes CR, LF and other control bytes (tab excepted) so a message stays on one line.
// A trailing newline is dropped first: plugins may or may not end messages with one.
void append_escaped(std::string& out, std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 || c == '\t') {
      out.push_back(ch);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

// Trailing newlines go as in text lines; the rest is JSON-escaped by the serializer, which
// keeps the object on one line.
std::string json_log_line(std::string_view timestamp, LogLevel level, std::string_view tag, std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.remove_suffix(1);
  nlohmann::ordered_json line;
  line["time"] = timestamp;
  line["level"] = level_name(level);
  line["plugin"] = tag;
  line["message"] = message;
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string format_log_line(std::string_view timestamp, LogLevel level, std::string_view tag, std::string_view message,
                            LogFormat format) {
  if (format == LogFormat::kJson) return json_log_line(timestamp, level, tag, message);
  std::string line;
  line.reserve(timestamp.size() + tag.size() + message.size() + 16);
  line.append(timestamp);
  line.push_back(' ');
  line.append(level_label(level));
  line.append(" [");
  line.append(tag);
  line.append("] ");
  append_escaped(line, message);
  line.push_back('\n');
  return line;
}

Logger::Logger(LogLevel level) : Logger(level, write_stderr) {}

Logger::Logger(LogLevel level, Writer writer) : level_(level), writer_(std::move(writer)) {}

void Logger::set_level(LogLevel level) {
  std::lock_guard lock(mutex_);
  level_ = level;
}

void Logger::set_format(LogFormat format) {
  std::lock_guard lock(mutex_);
  format_ = format;
}

bool Logger::enabled(LogLevel level) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(level) <= static_cast<int>(level_);
}

void Logger::add_secret(std::string value) {
  std::lock_guard lock(mutex_);
  redactor_.add(value);
}

std::string Logger::redact(std::string_view text) const {
  std::lock_guard lock(mutex_);
  return redact_locked(text, "the text");
}

std::string Logger::redact_locked(std::string_view text, std::string_view what) const {
  return redactor_.redact(text, what).text;
}

void Logger::log(LogLevel level, std::string_view tag, std::string_view message) noexcept {
  try {
    const std::string timestamp = utc_timestamp_now();
    std::lock_guard lock(mutex_);
    if (static_cast<int>(level) > static_cast<int>(level_)) return;
    // Redact the raw message and the tag before escaping, so an escape sequence can never
    // split a secret and let part of it through.
    const std::string line = format_log_line(timestamp, level, redact_locked(tag, "the tag"),
                                             redact_locked(message, "the message"), format_);
    if (live_line_.empty()) {
      writer_(line);
    } else {
      writer_(std::string(kClearLine) + line + live_line_);  // one write: no other line can cut in
    }
  } catch (...) {
    // Logging must never take the run down (out of memory while formatting, say).
  }
}

void Logger::set_live_line(std::string_view text) noexcept {
  try {
    std::string drawn;
    if (!text.empty()) {
      drawn.append(kClearLine);
      append_escaped(drawn, redact(text));
    }
    std::lock_guard lock(mutex_);
    if (drawn.empty() && live_line_.empty()) return;
    writer_(drawn.empty() ? std::string(kClearLine) : drawn);
    live_line_ = std::move(drawn);
  } catch (...) {
  }
}

void Logger::log_lines(LogLevel level, std::string_view message) noexcept {
  size_t start = 0;
  while (true) {
    const size_t end = message.find('\n', start);
    log(level, "etlhost", message.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

}  // namespace etlhost
