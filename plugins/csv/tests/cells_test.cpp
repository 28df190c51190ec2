// How values become cells: quoting, order, missing keys, nested values, numbers, _extra.
#include <doctest/doctest.h>

#include "csv_support.h"

using namespace csv_test;

namespace {

/// Writes `records` of stream "s" under a schema with `properties` and returns s.csv.
std::string csv_of(const std::vector<std::string>& properties, const std::vector<std::string>& records,
                   bool additional_properties = false, const std::string& extra_config = "") {
  TempDir dir;
  std::vector<Message> messages{schema_of("s", properties, additional_properties)};
  for (const auto& json : records) messages.push_back(record("s", json));
  run_sink(dir.path().string(), messages, "", extra_config);
  return read_file(dir / "s.csv");
}

}  // namespace

TEST_CASE("cells are quoted exactly when they hold the delimiter, a quote, CR or LF") {
  const std::string csv = csv_of({"id", "text"}, {
                                                     R"({"id":1,"text":"plain"})",
                                                     R"({"id":2,"text":"comma, inside"})",
                                                     R"({"id":3,"text":"say \"hi\""})",
                                                     R"({"id":4,"text":"line\nbreak"})",
                                                     R"({"id":5,"text":"carriage\rreturn"})",
                                                     R"({"id":6,"text":"both\r\nends"})",
                                                     R"({"id":7,"text":"tab\there; semicolon"})",
                                                     R"({"id":8,"text":"\"","x":0})",
                                                 });
  CHECK(csv == "id,text\r\n"
               "1,plain\r\n"
               "2,\"comma, inside\"\r\n"
               "3,\"say \"\"hi\"\"\"\r\n"
               "4,\"line\nbreak\"\r\n"
               "5,\"carriage\rreturn\"\r\n"
               "6,\"both\r\nends\"\r\n"
               "7,tab\there; semicolon\r\n"
               "8,\"\"\"\"\r\n");
}

TEST_CASE("UTF-8 passes through untouched, whether written raw or as \\u escapes") {
  const std::string csv = csv_of({"raw", "escaped"}, {"{\"raw\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89\","
                                                      "\"escaped\":\"caf\\u00e9 \\u20AC \\ud83c\\udf89\"}"});
  CHECK(csv == "raw,escaped\r\n"
               "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89,caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89\r\n");
}

TEST_CASE("an empty string is a quoted empty cell, null and missing keys are empty cells") {
  const std::string csv = csv_of({"a", "b", "c"}, {R"({"a":"","b":null})", R"({"c":""})", R"({})"});
  CHECK(csv == "a,b,c\r\n"
               "\"\",,\r\n"
               ",,\"\"\r\n"
               ",,\r\n");
}

TEST_CASE("the header follows the schema's property order, not the records' key order") {
  const std::string csv = csv_of({"zeta", "alpha", "mid"},
                                 {R"({"alpha":1,"mid":2,"zeta":3})", R"({"mid":"m","zeta":"z","alpha":"a"})"});
  CHECK(csv == "zeta,alpha,mid\r\n3,1,2\r\nz,a,m\r\n");
}

TEST_CASE("missing keys leave empty cells in their own columns, never shifting the others") {
  const std::string csv = csv_of({"a", "b", "c", "d"}, {R"({"d":4,"a":1})", R"({"c":3})", R"({"b":2,"d":4})"});
  CHECK(csv == "a,b,c,d\r\n1,,,4\r\n,,3,\r\n,2,,4\r\n");
}

TEST_CASE("nested objects and arrays become compact JSON text") {
  const std::string csv = csv_of({"obj", "arr", "empty"}, {R"({"obj": { "a" : [1, 2, {"b" : null}], "s" : "x y" },)"
                                                           R"( "arr" : [ "p,q" , true ], "empty":[ ] })"});
  CHECK(csv == "obj,arr,empty\r\n"
               "\"{\"\"a\"\":[1,2,{\"\"b\"\":null}],\"\"s\"\":\"\"x y\"\"}\",\"[\"\"p,q\"\",true]\",[]\r\n");
}

TEST_CASE("numbers keep their exact JSON text, booleans are true and false") {
  const std::string csv = csv_of({"big", "neg", "dec", "exp", "huge", "flag", "off"},
                                 {R"({"big":9007199254740993,"neg":-0,"dec":1.50,"exp":1E400,)"
                                  R"("huge":123456789012345678901234567890,"flag":true,"off":false})"});
  CHECK(csv == "big,neg,dec,exp,huge,flag,off\r\n"
               "9007199254740993,-0,1.50,1E400,123456789012345678901234567890,true,false\r\n");
}

TEST_CASE("keys the schema does not declare go into a last _extra column as a JSON object") {
  const std::string csv = csv_of(
      {"id"}, {R"({"id":1,"b":2,"a":{ "x" : [1, 2] },"c":"q\"uote"})", R"({"id":2})", R"({"z\u00e9":null,"id":3})"},
      /*additional_properties=*/true);
  CHECK(csv == "id,_extra\r\n"
               "1,\"{\"\"b\"\":2,\"\"a\"\":{\"\"x\"\":[1,2]},\"\"c\"\":\"\"q\\\"\"uote\"\"}\"\r\n"
               "2,\r\n"
               "3,\"{\"\"z\\u00e9\"\":null}\"\r\n");
}

TEST_CASE("with additionalProperties false there is no _extra column, and dropped keys are logged") {
  TempDir dir;
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore().ok());
  REQUIRE(sink.write({schema_of("s", {"id"}, false), record("s", R"({"id":1,"other":2})")}).ok());
  REQUIRE(sink.flush().ok());
  CHECK(read_file(dir / "s.csv") == "id\r\n1\r\n");
  CHECK(sink.logged("WARN", "additionalProperties"));
}

TEST_CASE("a property named _extra pushes the extras column to __extra") {
  const std::string csv = csv_of({"_extra"}, {R"({"_extra":"mine","more":1})"}, true);
  CHECK(csv == "_extra,__extra\r\nmine,\"{\"\"more\"\":1}\"\r\n");
}

TEST_CASE("a custom delimiter and LF line ends change what needs quotes") {
  const std::string csv = csv_of({"a", "b"}, {R"({"a":"x;y","b":"x,y"})", R"({"a":"l\nf","b":1})"}, false,
                                 R"("delimiter":";","line_terminator":"lf")");
  CHECK(csv == "a;b\n\"x;y\";x,y\n\"l\nf\";1\n");
  const std::string tabs = csv_of({"a", "b"}, {R"({"a":"x\ty","b":"x,y"})"}, false, R"("delimiter":"\t")");
  CHECK(tabs == "a\tb\r\n\"x\ty\"\tx,y\r\n");
}

TEST_CASE("header cells are quoted like any other cell") {
  const std::string csv = csv_of({"plain", "with,comma", "with \\\"quote\\\""}, {R"({"plain":1})"});
  CHECK(csv == "plain,\"with,comma\",\"with \"\"quote\"\"\"\r\n1,,\r\n");
}

TEST_CASE("a malformed record is refused with ETL_E_INVALID_DATA naming the stream and the problem") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(["not","an","object"])", "expected a JSON object"},
      {R"({"a":1} trailing)", "unexpected text after the object"},
      {R"({"a":"bad \q escape"})", "invalid escape"},
      {R"({"a":"unterminated})", "unterminated string"},
      {R"({"a":01})", "expected ',' or '}'"},
      {R"({"a":"\ud800 lone"})", "lone surrogate"},
      {"{\"a\":\"\xff\"}", "not valid UTF-8"},
      {"{\"a\":\"a string long enough for the word-wise scan \xc3 here\"}", "not valid UTF-8"},
      {"{\"unknown \xe2\x82\":1}", "not valid UTF-8"},
      {"{\"a\":[1,{\"b\":\"\xed\xa0\x80\"}]}", "not valid UTF-8"},
      {"{\"a\":1\xff}", "expected ',' or '}'"},
      {R"({"a":[1,2})", "expected ',' or ']'"},
      {R"({"a":tru})", "expected a JSON value"},
  };
  for (const auto& [json, problem] : cases) {
    CAPTURE(json);
    TempDir dir;
    Sink sink(Sink::config_for(dir.path().string()));
    REQUIRE(sink.restore().ok());
    const Status status = sink.write({schema_of("orders", {"a"}), record("orders", json)});
    CHECK(status.code == ETL_E_INVALID_DATA);
    CHECK(status.message.find("stream 'orders'") != std::string::npos);
    CHECK(status.message.find(problem) != std::string::npos);
  }
}

TEST_CASE("protocol errors: a RECORD before its SCHEMA, an unknown kind, a stream name that is no file name") {
  TempDir dir;
  Sink sink(Sink::config_for(dir.path().string()));
  REQUIRE(sink.restore().ok());
  Status status = sink.write({record("early", R"({"a":1})")});
  CHECK(status.code == ETL_E_INVALID_DATA);
  CHECK(status.message.find("before its SCHEMA") != std::string::npos);

  status = sink.write({Message{99, "s", "{}"}});
  CHECK(status.code == ETL_E_INVALID_DATA);
  CHECK(status.message.find("unknown message kind 99") != std::string::npos);

  for (const std::string name : {"..", ".", "a/b", "../up", "orders.2", "sp ace"}) {
    CAPTURE(name);
    CHECK(sink.write({schema_of(name, {"a"})}).code == ETL_E_INVALID_DATA);
  }
  CHECK(sink.write({schema_of("orders.v2", {"a"}), schema_of("a-b_c.1", {"a"}), schema_of("x.02", {"a"})}).ok());
}
