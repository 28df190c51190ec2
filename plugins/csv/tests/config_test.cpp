// The config spec the host validates against, and the values create() refuses.
#include <doctest/doctest.h>

#include <cstring>

#include "csv_support.h"

using namespace csv_test;

TEST_CASE("the descriptor names the plugin and declares its five keys with defaults") {
  const etl_plugin& plugin = csv_plugin();
  CHECK(std::string(plugin.name) == "csv");
  CHECK(plugin.abi_version == ETL_ABI_VERSION);
  REQUIRE(plugin.config_field_count == 5);
  const char* const expected[][2] = {{"output_dir", "\"output\""},
                                     {"delimiter", "\",\""},
                                     {"line_terminator", "\"crlf\""},
                                     {"fsync", "true"},
                                     {"if_exists", "\"refuse\""}};
  for (size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(std::strcmp(plugin.config_fields[i]->key, expected[i][0]) == 0);
    REQUIRE(plugin.config_fields[i]->default_json != nullptr);
    CHECK(std::strcmp(plugin.config_fields[i]->default_json, expected[i][1]) == 0);
    CHECK(plugin.config_fields[i]->flags == 0u);
  }
}

TEST_CASE("create() refuses a delimiter that is not one ASCII byte other than quote, CR and LF") {
  for (const std::string bad : {R"("")", R"(";;")", R"("\"")", R"("\r")", R"("\n")", "\"\xc3\xa9\""}) {
    CAPTURE(bad);
    const Status status = Sink::try_create(R"({"output_dir":"out","delimiter":)" + bad + "}");
    CHECK(status.code == ETL_E_INVALID_ARGUMENT);
    CHECK(status.message.find("'delimiter'") != std::string::npos);
    CHECK(status.message.find("expected") != std::string::npos);
    CHECK(status.message.find("found") != std::string::npos);
  }
  for (const std::string good : {R"(",")", R"(";")", R"("\t")", R"("|")"}) {
    CAPTURE(good);
    CHECK(Sink::try_create(R"({"output_dir":"out","delimiter":)" + good + "}").ok());
  }
}

TEST_CASE("create() refuses an unknown line terminator and an empty output_dir") {
  Status status = Sink::try_create(R"({"line_terminator":"cr"})");
  CHECK(status.code == ETL_E_INVALID_ARGUMENT);
  CHECK(status.message.find("'line_terminator'") != std::string::npos);
  CHECK(status.message.find("\"cr\"") != std::string::npos);

  status = Sink::try_create(R"({"output_dir":""})");
  CHECK(status.code == ETL_E_INVALID_ARGUMENT);
  CHECK(status.message.find("'output_dir'") != std::string::npos);

  CHECK(Sink::try_create(R"({"line_terminator":"lf","fsync":false})").ok());
}

TEST_CASE("create() touches nothing: the output directory appears only on restore") {
  TempDir dir;
  const std::string out = dir / "nested/deeper/out";
  Sink sink(Sink::config_for(out));
  CHECK_FALSE(file_exists(out));
  REQUIRE(sink.restore().ok());
  CHECK(file_exists(out));
}
