// progress_format: the ETA with a rate limit's floor, the live and plain line texts, the
// plan line and the --progress json event, from fixed views (no clock).
#include <doctest/doctest.h>

#include <string>

#include "etlhost/plugin.h"
#include "progress_format.h"

using etlhost::ProgressView;

namespace {

// 3 of 20 bundles after 9 s, waiting for a download slot that frees in 28 s.
ProgressView waiting_view() {
  ProgressView view;
  view.elapsed_ms = 9000;
  view.records = 1200;
  view.records_by_stream = "events 1200";
  view.plan_counter = "bundles";
  view.plan_total = 20;
  view.plan_min_ms_per_unit = 30000;
  view.plan_done = 3;
  view.bytes = 4 * 1024 * 1024 + 100 * 1024;
  view.activity = ETL_ACTIVITY_WAITING;
  view.activity_what = "waiting for a download slot (limit 2/min)";
  view.activity_left_ms = 28000;
  view.waited_ms = 62000;
  return view;
}

}  // namespace

TEST_CASE("progress format: the ETA is remaining units times the slower of observed and the rate-limit floor") {
  // Observed 3 s per unit, but the limit allows one per 30 s: the floor wins.
  CHECK(etlhost::eta_ms(3, 20, 9000, 30000) == 17 * 30000);
  // Observed 60 s per unit is slower than the floor: observed wins.
  CHECK(etlhost::eta_ms(2, 4, 120000, 30000) == 2 * 60000);
  // Nothing done yet: the floor alone.
  CHECK(etlhost::eta_ms(0, 10, 500, 30000) == 10 * 30000);
  // Nothing done and no floor: unknown; no plan: unknown; all done: zero.
  CHECK_FALSE(etlhost::eta_ms(0, 10, 500, 0).has_value());
  CHECK_FALSE(etlhost::eta_ms(0, 0, 500, 0).has_value());
  CHECK(etlhost::eta_ms(10, 10, 500, 0) == 0);
}

TEST_CASE("progress format: a wait under way (a 60 s Retry-After) holds the ETA up") {
  // 2 of 3 done in 2 s: observed says 1 s more, but the last unit waits 60 s first.
  CHECK(etlhost::eta_ms(2, 3, 2000, 0, 60000) == 60000);
  // Two left behind a 10 s wait with a 30 s floor: the wait, then one more slot.
  CHECK(etlhost::eta_ms(1, 3, 1000, 30000, 10000) == 60000);
  CHECK(etlhost::eta_ms(1, 3, 1000, 30000, 40000) == 70000);
}

TEST_CASE("progress format: durations and byte sizes read as people write them") {
  CHECK(etlhost::short_duration(0) == "0 s");
  CHECK(etlhost::short_duration(59400) == "59 s");
  CHECK(etlhost::short_duration(245000) == "4 min 05 s");
  CHECK(etlhost::short_duration(7380000) == "2 h 03 min");
  CHECK(etlhost::byte_size(512) == "512 B");
  CHECK(etlhost::byte_size(4 * 1024 * 1024 + 100 * 1024) == "4.1 MiB");
}

TEST_CASE("progress format: the live line has done/total, records, bytes, rate, the wait and the ETA") {
  const std::string line = etlhost::live_line(waiting_view());
  CHECK(line ==
        "3/20 bundles, 1200 records, 4.1 MiB, 133 records/s; waiting for a download slot (limit 2/min) (28 s left); "
        "waited 1 min 02 s for the API; ETA 8 min 30 s");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("progress format: a working activity shows no time left, and no plan shows no ETA") {
  ProgressView view;
  view.elapsed_ms = 1000;
  view.records = 10;
  view.records_by_stream = "items 10";
  view.activity = ETL_ACTIVITY_WORKING;
  view.activity_what = "downloading bundle 7";
  view.activity_left_ms = 5000;
  const std::string plain = etlhost::plain_line(view);
  CHECK(plain == "10 records (items 10) in 1 s, 10 records/s; downloading bundle 7");
}

TEST_CASE("progress format: the plan line says how long the rate limit makes the run at least") {
  CHECK(etlhost::plan_line(waiting_view()) ==
        "plan: 20 bundles, about 10 min 00 s at the source's rate limit (one per 30 s)");
  ProgressView unlimited = waiting_view();
  unlimited.plan_min_ms_per_unit = 0;
  CHECK(etlhost::plan_line(unlimited) == "plan: 20 bundles");
}

TEST_CASE("progress format: the json event carries the plan, the counts, the activity and the ETA") {
  const auto event = etlhost::progress_event(waiting_view(), "progress");
  CHECK(event["event"] == "progress");
  CHECK(event["counter"] == "bundles");
  CHECK(event["done"] == 3);
  CHECK(event["total"] == 20);
  CHECK(event["records"] == 1200);
  CHECK(event["activity"] == "waiting");
  CHECK(event["left_ms"] == 28000);
  CHECK(event["eta_ms"] == 17 * 30000);
  CHECK(event["waited_ms"] == 62000);
  CHECK_FALSE(etlhost::progress_event(ProgressView{}, "start").contains("total"));
}
