// The csv sink's parts on their own: JSON scanning, header parsing, names, restore plans,
// rewriting rows into another column layout.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <optional>

#include "checkpoint.h"
#include "column_index.h"
#include "csv_cell_writer.h"
#include "file_names.h"
#include "files.h"
#include "header_reader.h"
#include "json_text.h"
#include "record_reader.h"
#include "restore_plan.h"
#include "row_relayout.h"
#include "stream_file.h"

using namespace etl_csv;

namespace {

std::string scan_all(std::string_view text, bool* has_whitespace = nullptr) {
  bool whitespace = false;
  const char* end = json::scan_value(text.data(), text.data() + text.size(), whitespace);
  if (has_whitespace != nullptr) *has_whitespace = whitespace;
  return std::string(text.data(), end);
}

std::string unescaped(std::string_view quoted) {
  bool escapes = false;
  json::scan_string(quoted.data(), quoted.data() + quoted.size(), escapes);
  std::string out;
  json::unescape_string(quoted.substr(1, quoted.size() - 2), out);
  return out;
}

}  // namespace

TEST_CASE("json: values are measured exactly and validated") {
  CHECK(scan_all("-12.5e+3,") == "-12.5e+3");
  CHECK(scan_all("0]") == "0");
  CHECK(scan_all(R"({"a":[1,{"b":"}"}]} tail)") == R"({"a":[1,{"b":"}"}]})");
  bool whitespace = true;
  CHECK(scan_all("[1,2]", &whitespace) == "[1,2]");
  CHECK_FALSE(whitespace);
  CHECK(scan_all("[ 1 ]", &whitespace) == "[ 1 ]");
  CHECK(whitespace);
  for (const char* bad : {"-", "1.", "1e", ".5", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "{1:2}", "nul", "\"a\tb\"",
                          "\"\\x\"", "\"\\u12\"", "[", "+1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(scan_all(bad), json::JsonSyntaxError);
  }
  CHECK_THROWS_AS(scan_all(std::string(600, '[') + std::string(600, ']')), json::JsonSyntaxError);
  CHECK_NOTHROW(scan_all(std::string(500, '[') + std::string(500, ']')));
}

TEST_CASE("json: strings are unescaped to UTF-8, surrogate pairs included") {
  CHECK(unescaped(R"("a\"b\\c\/d\b\f\n\r\t")") == "a\"b\\c/d\b\f\n\r\t");
  CHECK(unescaped(R"("\u0041\u00e9\u20ac\ud83c\udf89")") == "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x89");
  CHECK_THROWS_AS(unescaped(R"("\udf89")"), json::JsonSyntaxError);
  CHECK_THROWS_AS(unescaped(R"("\ud83cx")"), json::JsonSyntaxError);
}

TEST_CASE("json: compacting drops whitespace outside strings only") {
  std::string out;
  json::append_compact(R"({ "a b" : [ 1 , "x \" y" ] , "c":	{ } })", out);
  CHECK(out == R"({"a b":[1,"x \" y"],"c":{}})");
}

TEST_CASE("record reader: cells by column, extras in record order, repeated keys") {
  ColumnIndex columns({"a", "b", "_extra"}, "_extra");
  RecordReader reader;
  std::vector<Cell> cells;
  for (int pass = 0; pass < 2; ++pass) {  // the second pass hits the key-order memo
    CHECK(reader.read(R"({"b":"x\ny","z":[1, 2],"a":1,"y":"s","a":2})", columns, cells) == 0);
    REQUIRE(cells.size() == 3);
    CHECK(cells[0].text == "2");
    CHECK(cells[1].text == "x\ny");
    CHECK(cells[2].text == R"({"z":[1,2],"y":"s"})");
  }
  CHECK(reader.read(R"({"a":null})", columns, cells) == 0);
  CHECK_FALSE(cells[0].present);
  CHECK_FALSE(cells[1].present);
  CHECK_FALSE(cells[2].present);

  ColumnIndex no_extras({"a"}, "_extra");
  CHECK(reader.read(R"({"a":1,"x":2,"y":3})", no_extras, cells) == 2);
}

TEST_CASE("cell writer: quoting rules and the size bound") {
  const CsvCellWriter cells(';');
  std::string out;
  for (const char* text : {"plain", "a;b", "a,b", "q\"q", "\"\"", "cr\r", "lf\n", ""}) {
    out.clear();
    cells.append(out, text);
    CHECK(out.size() <= CsvCellWriter::max_size(std::string_view(text).size()));
    out += '|';
  }
  std::string row;
  for (const char* text : {"plain", "a;b", "a,b", "q\"q", "\"\"", ""}) {
    cells.append(row, text);
    row += '|';
  }
  CHECK(row == "plain|\"a;b\"|a,b|\"q\"\"q\"|\"\"\"\"\"\"|\"\"|");
}

TEST_CASE("header parsing: quoted names, delimiters and line breaks inside quotes, terminators") {
  CsvHeader header;
  REQUIRE(parse_csv_header("a,\"b,c\",\"d\"\"e\",\"f\r\ng\"\r\n1,2", ',', header));
  CHECK(header.columns == std::vector<std::string>{"a", "b,c", "d\"e", "f\r\ng"});
  CHECK(header.line_terminator == "\r\n");
  REQUIRE(parse_csv_header("x;y\n", ';', header));
  CHECK(header.columns == std::vector<std::string>{"x", "y"});
  CHECK(header.line_terminator == "\n");
  CHECK_FALSE(parse_csv_header("a,b", ',', header));
  CHECK_FALSE(parse_csv_header("a,\"b\nc", ',', header));
}

TEST_CASE("file names: generations, and stream names that would collide with them") {
  CHECK(generation_file_name("orders", 1) == "orders.csv");
  CHECK(generation_file_name("orders", 12) == "orders.12.csv");
  CHECK(generation_of("orders.csv", "orders") == 1);
  CHECK(generation_of("orders.12.csv", "orders") == 12);
  CHECK(generation_of("orders.1.csv", "orders") == 0);
  CHECK(generation_of("orders.012.csv", "orders") == 0);
  CHECK(generation_of("orders.x.csv", "orders") == 0);
  CHECK(generation_of("orders_2.csv", "orders") == 0);
  CHECK(generation_of("order.csv", "orders") == 0);
  CHECK_NOTHROW(check_stream_name("public.orders"));
  CHECK_NOTHROW(check_stream_name("orders.1"));
  CHECK_THROWS(check_stream_name("orders.2"));
  CHECK_THROWS(check_stream_name("a/b"));
  CHECK(is_csv_file_name("a.csv"));
  CHECK_FALSE(is_csv_file_name("a.csv.tmp"));
  CHECK_FALSE(is_csv_file_name(".csv"));
}

TEST_CASE("restore plan: truncate, remove, missing, refuse, moved directory") {
  Checkpoint committed{"/out", {{"a.csv", 10}, {"b.csv", 5}, {"gone.csv", 7}}, {}};
  const RunJournalEntries journal{{"a.csv"}, {"new.csv"}, {}};
  const RestorePlan plan = plan_restore(committed, "/out", {{"a.csv", 15}, {"b.csv", 5}, {"new.csv", 3}}, journal);
  REQUIRE(plan.truncations.size() == 1);
  CHECK(plan.truncations[0].name == "a.csv");
  CHECK(plan.truncations[0].from == 15);
  CHECK(plan.truncations[0].to == 10);
  CHECK(plan.truncations[0].by_unfinished_run);
  CHECK(plan.removals == std::vector<std::string>{"new.csv"});
  CHECK(plan.foreign.empty());
  CHECK(plan.missing == std::vector<std::string>{"gone.csv"});
  CHECK(plan.files == FileSizes{{"a.csv", 10}, {"b.csv", 5}});
  CHECK_FALSE(plan.directory_moved);

  CHECK_THROWS(plan_restore(committed, "/out", {{"a.csv", 9}}, journal));
  Checkpoint small{"/old", {{"a.csv", 10}}, {}};
  CHECK(plan_restore(small, "/new", {{"a.csv", 12}}, journal).directory_moved);
  CHECK_THROWS(plan_restore(small, "/new", {{"a.csv", 12}, {"other.csv", 1}}, journal));
  CHECK_THROWS(plan_restore(small, "/new", {}, journal));
}

TEST_CASE("restore plan: what no journal names is not the sink's: bytes not by a run, files left alone") {
  Checkpoint committed{"/out", {{"a.csv", 10}}, {}};
  const RestorePlan plan = plan_restore(committed, "/out", {{"a.csv", 12}, {"notes.csv", 3}}, RunJournalEntries{});
  REQUIRE(plan.truncations.size() == 1);
  CHECK_FALSE(plan.truncations[0].by_unfinished_run);
  CHECK(plan.removals.empty());
  CHECK(plan.foreign == std::vector<std::string>{"notes.csv"});
  CHECK(plan.files == FileSizes{{"a.csv", 10}});
}

TEST_CASE("checkpoint text round-trips, headers included, and version 1 is still read") {
  std::string text;
  const FileColumns columns{"id", "a \"b\"", "_extra"};
  write_checkpoint(text, "/out \"dir\"", [&](auto&& emit) {
    emit("a.csv", 1, &columns);
    emit("b.2.csv", 18446744073709551615ull, nullptr);
  });
  CHECK(text == R"({"version":2,"output_dir":"/out \"dir\"","files":{"a.csv":{"length":1,"columns":["id","a \"b\"",)"
                R"("_extra"]},"b.2.csv":{"length":18446744073709551615}}})");
  const Checkpoint parsed = parse_checkpoint(text);
  CHECK(parsed.output_dir == "/out \"dir\"");
  CHECK(parsed.files ==
        std::map<std::string, uint64_t, std::less<>>{{"a.csv", 1}, {"b.2.csv", 18446744073709551615ull}});
  CHECK(parsed.columns == std::map<std::string, FileColumns, std::less<>>{{"a.csv", columns}});

  const Checkpoint old = parse_checkpoint(R"({"version":1,"output_dir":"/out","files":{"a.csv":12}})");
  CHECK(old.files == std::map<std::string, uint64_t, std::less<>>{{"a.csv", 12}});
  CHECK(old.columns.empty());
  CHECK_THROWS(parse_checkpoint(R"({"version":2,"output_dir":"/out","files":{"a.csv":12}})"));
  CHECK_THROWS(parse_checkpoint(R"({"version":2,"output_dir":"/out","files":{"a.csv":{"length":1,"columns":[1]}}})"));
}

TEST_CASE("restore plan: a header widened by an unfinished run is narrowed, any other header change refused") {
  const Checkpoint committed{"/out", {{"a.csv", 10}}, {{"a.csv", {"x", "_extra"}}}};
  const FileHeaders widened{{"a.csv", {"x", "y", "_extra"}}};
  const RestorePlan plan = plan_restore(committed, "/out", {{"a.csv", 30}}, {{"a.csv"}, {}, {"a.csv"}}, widened);
  REQUIRE(plan.narrowings.size() == 1);
  CHECK(plan.narrowings[0].name == "a.csv");
  CHECK(plan.narrowings[0].from == FileColumns{"x", "y", "_extra"});
  CHECK(plan.narrowings[0].to == FileColumns{"x", "_extra"});
  CHECK(plan.narrowings[0].length == 10);
  CHECK(plan.truncations.empty());  // the narrowing stops at the committed length itself
  CHECK(plan.files == FileSizes{{"a.csv", 10}});

  // The same header: a plain truncation.
  CHECK(plan_restore(committed, "/out", {{"a.csv", 30}}, {}, {{"a.csv", {"x", "_extra"}}}).truncations.size() == 1);
  // No journal says a run widened it, or the committed columns are not all there in order.
  CHECK_THROWS_WITH(plan_restore(committed, "/out", {{"a.csv", 30}}, {}, widened),
                    doctest::Contains("no run of this sink widened it"));
  CHECK_THROWS(plan_restore(committed, "/out", {{"a.csv", 30}}, {{}, {}, {"a.csv"}}, {{"a.csv", {"_extra", "x"}}}));
}

namespace {

// Rewrites `text` (a whole csv file) in `layout`; the result's text, or its problem.
std::string relayout(const std::string& text, const RowLayout& layout, std::optional<uint64_t> stop_at = {}) {
  etltest::TempDir dir;
  etltest::write_file(dir / "in.csv", text);
  const int in = ::open((dir / "in.csv").c_str(), O_RDONLY);
  const int out = ::open((dir / "out.csv").c_str(), O_RDWR | O_CREAT, 0600);
  REQUIRE(in >= 0);
  StreamFile out_file("out.csv", out, 0, 16);  // a tiny buffer: written out many times
  const RewriteResult result = rewrite_rows(in, text.size(), "in.csv", layout, ',', out_file, stop_at);
  ::close(in);
  out_file.write_out();
  if (!result.problem.empty()) return "problem: " + result.problem;
  return etltest::read_file(dir / "out.csv");
}

}  // namespace

TEST_CASE("row relayout: widening pads every row before the extras column, narrowing gives the bytes back") {
  const std::string narrow = "id,\"n,ame\",_extra\r\n1,\"a \"\"q\"\"\r\nb\",\r\n2,,\"{\"\"k\"\":1}\"\r\n";
  const RowLayout widen = widening_layout(3, 2, {"c", "\"d,e\""});
  const std::string wide = relayout(narrow, widen);
  CHECK(wide == "id,\"n,ame\",c,\"d,e\",_extra\r\n1,\"a \"\"q\"\"\r\nb\",,,\r\n2,,,,\"{\"\"k\"\":1}\"\r\n");
  const auto narrowing = narrowing_layout({"id", "n,ame", "c", "d,e", "_extra"}, {"id", "n,ame", "_extra"});
  REQUIRE(narrowing);
  CHECK(relayout(wide, *narrowing) == narrow);
  // Up to a committed length: the header and the first row.
  const uint64_t first_row = narrow.find("2,,");
  CHECK(relayout(wide + "3,,x,,\r\n", *narrowing, first_row) == narrow.substr(0, first_row));
  // Appended at the end when there is no extras column; LF files keep LF.
  CHECK(relayout("a\n1\n", widening_layout(1, 1, {"b"})) == "a,b\n1,\n");
}

TEST_CASE("row relayout: what it cannot rewrite exactly is a problem, not a guess") {
  const RowLayout widen = widening_layout(2, 2, {"c"});
  CHECK(relayout("a,b\r\n1\r\n", widen).find("1 cells where the header has 2") != std::string::npos);
  CHECK(relayout("a,b\r\n1,2", widen).find("does not end with a line break") != std::string::npos);
  CHECK(relayout("a,b\r\n\"1\"x,2\r\n", widen).find("goes on after its closing quote") != std::string::npos);
  const auto narrowing = narrowing_layout({"a", "b", "c"}, {"a", "b"});
  REQUIRE(narrowing);
  CHECK(relayout("a,b,c\r\n1,2,3\r\n", *narrowing).find("a value in a column") != std::string::npos);
  CHECK(relayout("a,b,c\r\n1,2,\r\n", *narrowing, 100).find("ends before the committed length") != std::string::npos);
  CHECK(relayout("a,b,c\r\n1,2,\r\n", *narrowing, 7).find("no row ends at the committed length") != std::string::npos);
  CHECK_FALSE(narrowing_layout({"a", "b"}, {"b", "a"}));
}
