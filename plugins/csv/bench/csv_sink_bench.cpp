// csv_sink_bench: how fast the csv sink turns records into files.
//
// Drives the built etl-csv.so in process with the host's own loader, config builder and
// instances (the tests' driver, tests/support/plugin_driver.h), with records shaped
// like the demo source's (customers with quotes, commas, line breaks, UTF-8, nulls, nested
// objects and arrays; orders with plain numbers and dates), in batches of 512, with a
// STATE (checkpoint + flush) every `state_every` records. Only the time spent inside the
// sink is measured; formatting the records is not. Then it times the JSON record reader
// alone on the same records, to show how the sink's time divides, and one widening (a
// SCHEMA that gains a column rewrites the customers file of up to 400 000 records).
//
// Each measurement runs three times and the fastest is reported (the machine is shared).
//
//   csv_sink_bench [records=1000000] [state_every=10000] [fsync=0|1] [output_dir=/tmp/...]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "column_index.h"
#include "etlhost/plugin.h"
#include "host_error.h"
#include "plugin_driver.h"
#include "record_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

const char* const kCustomerSchema =
    R"({"schema":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},)"
    R"("note":{"type":["null","string"]},"vip":{"type":"boolean"},"score":{"type":"number"},)"
    R"("tags":{"type":"array","items":{"type":"string"}},"address":{"type":"object","properties":{)"
    R"("city":{"type":"string"},"zip":{"type":"string"}}}}},"key_properties":["id"]})";
const char* const kOrderSchema =
    R"({"schema":{"type":"object","properties":{"id":{"type":"integer"},"customer_id":{"type":"integer"},)"
    R"("amount_cents":{"type":"integer"},"currency":{"type":"string"},)"
    R"("created_at":{"type":"string","format":"date-time"}}},"key_properties":["id"]})";
const char* const kNotes[] = {"plain",
                              "comma, inside",
                              "quote \\\"inside\\\"",
                              "line\\nbreak and\\r\\ncrlf",
                              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89",
                              ""};

// The demo source's rows (plugins/demo/demo_source.c), formatted the same way.
std::string customer(int64_t id) {
  char row[512];
  const bool null_note = id % 7 == 6;
  const int n = std::snprintf(row, sizeof row,
                              "{\"id\":%" PRId64 ",\"name\":\"Customer %" PRId64
                              "\",\"note\":%s%s%s,\"vip\":%s,\"score\":%" PRId64 ".5,\"tags\":[\"t%" PRId64
                              "\",\"all\"],\"address\":{\"city\":\"City %" PRId64 "\",\"zip\":\"%05" PRId64 "\"}}",
                              id, id, null_note ? "" : "\"", null_note ? "null" : kNotes[id % 6], null_note ? "" : "\"",
                              id % 3 == 0 ? "true" : "false", id, id % 5, id % 100, id % 100000);
  return std::string(row, static_cast<size_t>(n));
}

std::string order(int64_t id) {
  char row[256];
  const int64_t minute = id % (365 * 24 * 60);
  const int n = std::snprintf(
      row, sizeof row,
      "{\"id\":%" PRId64 ",\"customer_id\":%" PRId64 ",\"amount_cents\":%" PRId64
      ",\"currency\":\"EUR\",\"created_at\":\"2026-%02" PRId64 "-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":00Z\"}",
      id, id / 2, (id * 7919) % 100000, minute / 43200 % 12 + 1, minute / 1440 % 28 + 1, minute / 60 % 24, minute % 60);
  return std::string(row, static_cast<size_t>(n));
}

struct Records {
  std::vector<std::string> json;
  std::vector<const char*> stream;
  size_t bytes = 0;
};

/// Alternates the two streams in runs of 512, like the demo source.
Records make_records(int64_t count) {
  Records out;
  out.json.reserve(static_cast<size_t>(count));
  int64_t customers = 0, orders = 0;
  for (int64_t i = 0; i < count; ++i) {
    const bool is_customer = (i / 512) % 2 == 0;
    out.json.push_back(is_customer ? customer(++customers) : order(++orders));
    out.stream.push_back(is_customer ? "customers" : "orders");
    out.bytes += out.json.back().size();
  }
  return out;
}

[[noreturn]] void die(const char* what, const std::string& message) {
  std::fprintf(stderr, "csv_sink_bench: %s failed: %s\n", what, message.c_str());
  std::exit(1);
}

etl_message message(uint32_t kind, const char* stream, const std::string& json) {
  return etl_message{ETL_STRUCT_SIZE(etl_message), kind, etl_str{stream, std::strlen(stream)},
                     etl_str{json.data(), json.size()}, 0};
}

/// Runs the records through the plugin; returns the seconds spent inside sink calls.
double run_sink(const Records& records, int64_t state_every, bool fsync, const std::string& dir) {
  const std::string config = "{\"output_dir\":\"" + dir + "\",\"fsync\":" + (fsync ? "true" : "false") + "}";
  std::unique_ptr<etltest::SinkDriver> created;
  try {
    created = std::make_unique<etltest::SinkDriver>(ETL_CSV_PLUGIN_PATH, config);
  } catch (const etlhost::HostError& error) {
    die("create", error.what());
  }
  etltest::SinkDriver& sink = *created;

  double seconds = 0;
  auto timed = [&](const char* what, auto&& call) {
    const auto start = Clock::now();
    const etltest::CallResult result = call();
    if (!result.ok()) die(what, result.describe());
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  };
  std::string checkpoint;
  auto commit = [&] {
    timed("checkpoint", [&] { return sink.checkpoint(&checkpoint); });
    timed("flush", [&] { return sink.flush(); });
  };
  timed("restore", [&] { return sink.restore(); });

  const std::string customer_schema = kCustomerSchema, order_schema = kOrderSchema, state_json = "{}";
  std::vector<etl_message> batch;
  std::vector<const etl_message*> pointers;
  batch.push_back(message(ETL_MSG_SCHEMA, "customers", customer_schema));
  batch.push_back(message(ETL_MSG_SCHEMA, "orders", order_schema));
  auto send = [&] {
    pointers.clear();
    for (const auto& m : batch) pointers.push_back(&m);
    timed("write", [&] { return sink.write(pointers.data(), pointers.size()); });
    const bool has_state = !batch.empty() && batch.back().kind == ETL_MSG_STATE;
    batch.clear();
    if (has_state) commit();
  };
  for (size_t i = 0; i < records.json.size(); ++i) {
    batch.push_back(message(ETL_MSG_RECORD, records.stream[i], records.json[i]));
    const bool state_due = (static_cast<int64_t>(i) + 1) % state_every == 0 || i + 1 == records.json.size();
    if (state_due) batch.push_back(message(ETL_MSG_STATE, "", state_json));
    if (state_due || batch.size() >= 512) send();
  }
  if (!batch.empty()) send();
  return seconds;
}

/// One widening: the customers file `records` left in `dir` gains a column. Returns the
/// seconds of the write that widens it plus the flush that makes it durable.
double run_widening(bool fsync, const std::string& dir) {
  // Appends to the file run_sink left, without its checkpoint: if_exists must allow that.
  const std::string config = "{\"output_dir\":\"" + dir + "\",\"fsync\":" + (fsync ? "true" : "false") +
                             ",\"if_exists\":\"append\"}";
  etltest::SinkDriver sink(ETL_CSV_PLUGIN_PATH, config);
  if (const auto restored = sink.restore(); !restored.ok()) die("restore", restored.describe());
  std::string wider = kCustomerSchema;
  wider.insert(wider.find("}},\"key_properties\""), ",\"plan\":{\"type\":\"string\"}");
  const std::string row = R"({"id":0,"name":"widened","plan":"gold"})";
  const etl_message batch[] = {message(ETL_MSG_SCHEMA, "customers", wider), message(ETL_MSG_RECORD, "customers", row)};
  const etl_message* pointers[] = {&batch[0], &batch[1]};
  const auto start = Clock::now();
  if (const auto written = sink.write(pointers, 2); !written.ok()) die("widening write", written.describe());
  if (const auto flushed = sink.flush(); !flushed.ok()) die("flush", flushed.describe());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!sink.logged("INFO", "widened ")) die("widening", "the sink did not widen customers.csv (over its size limit?)");
  return seconds;
}

/// The JSON record reader alone, on the same records.
double run_reader(const Records& records) {
  using namespace etl_csv;
  ColumnIndex customers({"id", "name", "note", "vip", "score", "tags", "address", "_extra"}, "_extra");
  ColumnIndex orders({"id", "customer_id", "amount_cents", "currency", "created_at", "_extra"}, "_extra");
  RecordReader reader;
  std::vector<Cell> cells;
  size_t checksum = 0;
  const auto start = Clock::now();
  for (size_t i = 0; i < records.json.size(); ++i) {
    reader.read(records.json[i], records.stream[i][0] == 'c' ? customers : orders, cells);
    checksum += cells[0].text.size();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (checksum == 0) std::puts("");  // keeps the loop from being optimized away
  return seconds;
}

uint64_t directory_bytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) total += entry.file_size();
  return total;
}

void report(const char* label, const Records& records, double seconds, uint64_t output_bytes) {
  const double n = static_cast<double>(records.json.size());
  std::printf("%-28s %8.3f s  %11.0f records/s  %7.1f MB/s in", label, seconds, n / seconds,
              static_cast<double>(records.bytes) / seconds / 1e6);
  if (output_bytes > 0) std::printf("  %7.1f MB/s out", static_cast<double>(output_bytes) / seconds / 1e6);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t count = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const int64_t state_every = argc > 2 ? std::atoll(argv[2]) : 10'000;
  const bool fsync = argc > 3 && std::atoi(argv[3]) != 0;
  const std::string dir = argc > 4 ? argv[4] : "/tmp/csv_sink_bench." + std::to_string(getpid());

  try {
    etltest::load_plugin(ETL_CSV_PLUGIN_PATH);
  } catch (const etlhost::HostError& error) {
    die("loading etl-csv.so", error.what());
  }

  const Records records = make_records(count);
  std::printf("%" PRId64 " records, %.1f MB of JSON, STATE every %" PRId64 ", fsync %s, into %s\n", count,
              static_cast<double>(records.bytes) / 1e6, state_every, fsync ? "on" : "off", dir.c_str());

  constexpr int kRepeats = 3;
  double sink_seconds = 1e300, reader_seconds = 1e300;
  uint64_t output_bytes = 0;
  for (int i = 0; i < kRepeats; ++i) {
    std::filesystem::remove_all(dir);
    sink_seconds = std::min(sink_seconds, run_sink(records, state_every, fsync, dir));
    output_bytes = directory_bytes(dir);
    reader_seconds = std::min(reader_seconds, run_reader(records));
  }
  std::filesystem::remove_all(dir);
  report("sink (through the C ABI)", records, sink_seconds, output_bytes);
  report("record reader alone", records, reader_seconds, 0);

  // Widening rewrites the whole file; its cost per MB of file (one file up to the limit).
  const Records widen_records = make_records(std::min<int64_t>(count, 400'000));
  double widen_seconds = 1e300;
  uint64_t customers_bytes = 0;
  for (int i = 0; i < kRepeats; ++i) {
    std::filesystem::remove_all(dir);
    run_sink(widen_records, state_every, fsync, dir);
    customers_bytes = std::filesystem::file_size(dir + "/customers.csv");
    widen_seconds = std::min(widen_seconds, run_widening(fsync, dir));
  }
  std::filesystem::remove_all(dir);
  std::printf("%-28s %8.3f s  for a %.1f MB file: %7.1f MB/s\n", "widening customers.csv", widen_seconds,
              static_cast<double>(customers_bytes) / 1e6, static_cast<double>(customers_bytes) / widen_seconds / 1e6);
  return 0;
}
