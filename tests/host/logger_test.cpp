// The logger and the host services a plugin instance gets (in-process).
#include <doctest/doctest.h>

#include <mutex>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.h"
#include "host_services.h"
#include "host_support.h"
#include "logger.h"
#include "secret_leaks.h"

using etlhost::HostServices;
using etlhost::Logger;
using etlhost::LogLevel;
using hosttest::contains;

namespace {

// A logger whose lines land in a vector.
struct CapturingLogger {
  std::mutex mutex;
  std::vector<std::string> lines;
  Logger logger;
  explicit CapturingLogger(LogLevel level = LogLevel::kInfo)
      : logger(level, [this](std::string_view line) {
          std::lock_guard lock(mutex);
          lines.emplace_back(line);
        }) {}
};

etl_str str(std::string_view text) { return etl_str{text.data(), text.size()}; }

}  // namespace

TEST_CASE("logger: one line per message: UTC time with ms, padded level, [tag], message") {
  CapturingLogger capture;
  capture.logger.log(LogLevel::kInfo, "fullstory", "fetched 3 bundles");
  capture.logger.warn("careful");
  REQUIRE(capture.lines.size() == 2);
  CHECK(std::regex_match(
      capture.lines[0],
      std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  \[fullstory\] fetched 3 bundles\n)")));
  CHECK(contains(capture.lines[1], " WARN  [etlhost] careful\n"));
  CHECK(etlhost::format_log_line("T", LogLevel::kError, "x", "m") == "T ERROR [x] m\n");
  CHECK(etlhost::format_log_line("T", LogLevel::kDebug, "x", "m") == "T DEBUG [x] m\n");
}

TEST_CASE("logger: --log-format json is one object per line, redacted, escaped, invalid UTF-8 replaced") {
  using etlhost::LogFormat;
  CHECK(etlhost::format_log_line("T", LogLevel::kWarn, "fullstory", "a \"b\"\nc\n", LogFormat::kJson) ==
        "{\"time\":\"T\",\"level\":\"warn\",\"plugin\":\"fullstory\",\"message\":\"a \\\"b\\\"\\nc\"}\n");
  const auto bad_utf8 = nlohmann::json::parse(
      etlhost::format_log_line("T", LogLevel::kInfo, "p", "\xff", LogFormat::kJson));
  CHECK(bad_utf8["message"] == "\xef\xbf\xbd");

  CapturingLogger capture;
  capture.logger.set_format(LogFormat::kJson);
  capture.logger.add_secret("hunter2-secret-value");
  capture.logger.info("key hunter2-secret-value\nsecond line");
  REQUIRE(capture.lines.size() == 2);  // the host's multi-line messages stay one object a line
  const auto first = nlohmann::json::parse(capture.lines[0]);
  CHECK(first["level"] == "info");
  CHECK(first["plugin"] == "etlhost");
  CHECK(first["message"] == "key ***");
  CHECK(std::regex_match(first["time"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(nlohmann::json::parse(capture.lines[1])["message"] == "second line");
}

TEST_CASE("logger: lines below the level are dropped") {
  CapturingLogger capture(LogLevel::kWarn);
  capture.logger.info("not shown");
  capture.logger.debug("not shown");
  capture.logger.error("shown");
  CHECK(capture.lines.size() == 1);
  capture.logger.set_level(LogLevel::kDebug);
  capture.logger.debug("now shown");
  CHECK(capture.lines.size() == 2);
}

TEST_CASE("logger: CR, LF and control bytes are escaped so one call is one line") {
  const std::string line = etlhost::format_log_line("T", LogLevel::kInfo, "p",
                                                    "a\nb\r\nc\x01"
                                                    "d\te\n");
  CHECK(line == "T INFO  [p] a\\nb\\r\\nc\\x01d\te\n");
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
}

TEST_CASE("logger: registered secrets are redacted from messages and tags") {
  CapturingLogger capture;
  capture.logger.add_secret("abc123");
  capture.logger.add_secret("abc123XYZ");  // longer secrets are replaced first
  capture.logger.add_secret("");           // ignored: would match everywhere
  capture.logger.info("key=abc123 and key=abc123XYZ, twice abc123abc123");
  capture.logger.log(LogLevel::kInfo, "tag-abc123", "x");
  capture.logger.log(LogLevel::kInfo, "p", "split\nabc\n123 is not the secret");
  REQUIRE(capture.lines.size() == 3);
  CHECK(contains(capture.lines[0], "key=*** and key=***, twice ******"));
  CHECK_FALSE(contains(capture.lines[0], "abc123"));
  CHECK(contains(capture.lines[1], "[tag-***]"));
  CHECK(capture.logger.redact("xabc123x") == "x***x");
}

TEST_CASE("logger: a line holding a secret escaped, encoded or cut short is withheld with a notice") {
  CapturingLogger capture;
  const std::string secret = "tok/8c1f+secret-0042-zz";
  capture.logger.add_secret(secret);
  const std::string json_escaped = "tok\\/8c1f+secret-0042-zz";  // as a JSON encoder writes the '/'
  capture.logger.log(LogLevel::kError, "p", "upstream said {\"auth\":\"" + json_escaped + "\"}");
  capture.logger.log(LogLevel::kError, "p", "source failed: token " + secret.substr(0, 15));  // a message cut short
  capture.logger.log(LogLevel::kError, "p", "upstream said auth=tok%2F8c1f%2Bsecret-0042-zz");
  capture.logger.info("token " + secret.substr(0, 11) + " is too short a piece to withhold");
  REQUIRE(capture.lines.size() == 4);
  for (size_t i = 0; i < 3; ++i) {
    CAPTURE(capture.lines[i]);
    CHECK(contains(capture.lines[i], "[p] the message ("));
    CHECK(contains(capture.lines[i], "bytes) was withheld: it holds part of a secret config value"));
    CHECK(etltest::revealed_run(capture.lines[i], secret).empty());
  }
  CHECK(contains(capture.lines[3], "token tok/8c1f+se is too short a piece to withhold"));
}

TEST_CASE("logger: concurrent writers never interleave inside a line") {
  CapturingLogger capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&capture, t] {
      for (int i = 0; i < 500; ++i) capture.logger.info("thread " + std::to_string(t) + " line " + std::to_string(i));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(capture.lines.size() == 2000);
  const std::regex shape(R"(\S+ INFO  \[etlhost\] thread \d line \d+\n)");
  for (const std::string& line : capture.lines) REQUIRE(std::regex_match(line, shape));
}

TEST_CASE("host services: log, is_cancelled and count through the C table") {
  CapturingLogger capture(LogLevel::kDebug);
  etlhost::CancelFlag cancel;
  HostServices services("demo", capture.logger, cancel);
  const etl_host_api* api = services.api();
  REQUIRE(api->struct_size >= ETL_HOST_API_SIZE_1_0);
  CHECK(api->abi_version == ETL_ABI_VERSION);

  api->log(api->host_ctx, ETL_LOG_WARN, str("disk almost full\n"));
  api->log(api->host_ctx, 99, str("odd level"));  // clamped to debug, not dropped
  api->log(api->host_ctx, ETL_LOG_INFO, etl_str{nullptr, 0});
  REQUIRE(capture.lines.size() == 3);
  CHECK(contains(capture.lines[0], "WARN  [demo] disk almost full\n"));
  CHECK(contains(capture.lines[1], "DEBUG [demo] odd level"));

  CHECK(api->is_cancelled(api->host_ctx) == 0);
  cancel.request(15);
  CHECK(api->is_cancelled(api->host_ctx) != 0);

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([api] {
      for (int i = 0; i < 1000; ++i) api->count(api->host_ctx, str("bundles"), 1);
      api->count(api->host_ctx, str("bytes"), 10);
    });
  }
  for (auto& thread : threads) thread.join();
  api->count(api->host_ctx, str(std::string(100, 'x')), 1);  // too long a name: dropped
  const auto counters = services.counters();
  REQUIRE(counters.size() == 2);
  CHECK(counters[0] == std::pair<std::string, int64_t>{"bundles", 4000});
  CHECK(counters[1] == std::pair<std::string, int64_t>{"bytes", 40});
}

TEST_CASE("logger: the host's own multi-line messages become several prefixed lines") {
  CapturingLogger capture;
  capture.logger.error("not found; looked for:\n  /a/etl-x.so\n  /b/etl-x.so");
  REQUIRE(capture.lines.size() == 3);
  CHECK(contains(capture.lines[0], "ERROR [etlhost] not found; looked for:\n"));
  CHECK(contains(capture.lines[2], "ERROR [etlhost]   /b/etl-x.so\n"));
}

TEST_CASE("logger: a log line clears the live line, prints itself and redraws it, in one write") {
  CapturingLogger capture;
  capture.logger.add_secret("s3cr3t-value-123456");
  capture.logger.set_live_line("1/3 bundles; s3cr3t-value-123456\nnext");
  REQUIRE(capture.lines.size() == 1);
  CHECK(capture.lines[0] == "\r\x1b[K1/3 bundles; ***\\nnext");  // redacted, one line
  capture.logger.info("hello");
  REQUIRE(capture.lines.size() == 2);
  const std::string& both = capture.lines[1];
  CHECK(both.rfind("\r\x1b[K", 0) == 0);                                // the live line is cleared first
  CHECK(both.find("hello\n\r\x1b[K1/3 bundles") != std::string::npos);  // then drawn again below it
  capture.logger.set_live_line("");
  REQUIRE(capture.lines.size() == 3);
  CHECK(capture.lines[2] == "\r\x1b[K");
  capture.logger.info("plain");
  CHECK(capture.lines[3].rfind("\r", 0) == std::string::npos);  // no live line: a plain line
}
