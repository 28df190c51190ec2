// WorkReport: what the ABI 1.2 services (plan, activity, report_unit) keep for the
// progress display and the run record, and what they refuse to keep.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "etlhost/plugin.h"
#include "work_report.h"

using etlhost::WorkReport;

TEST_CASE("work report: the last plan per counter wins and nonsense plans are ignored") {
  WorkReport report;
  report.plan("bundles", 10, 30000);
  report.plan("bundles", 12, 30000);
  report.plan("bytes", -1, 0);  // a negative total is not a plan
  report.plan("", 5, 0);        // nor is a nameless one
  const auto snapshot = report.snapshot();
  REQUIRE(snapshot.plans.size() == 1);
  CHECK(snapshot.plans.at("bundles").total == 12);
  CHECK(snapshot.plans.at("bundles").min_ms_per_unit == 30000);
}

TEST_CASE("work report: time in waiting and retrying is summed, working time is not") {
  WorkReport report;
  CHECK(report.snapshot().activity.kind == 0);
  report.activity(ETL_ACTIVITY_WAITING, "waiting for a download slot", 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  report.activity(ETL_ACTIVITY_WORKING, "downloading bundle 1", 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  report.activity(ETL_ACTIVITY_RETRYING, "HTTP 503", 0);
  report.activity(99, "not an activity", 0);  // ignored: the current one stays
  const auto snapshot = report.snapshot();
  CHECK(snapshot.waiting >= std::chrono::milliseconds(20));
  CHECK(snapshot.activity.kind == ETL_ACTIVITY_RETRYING);
  CHECK(snapshot.activity.what == "HTTP 503");
}

TEST_CASE("work report: an activity text is cut to its bound") {
  WorkReport report;
  report.activity(ETL_ACTIVITY_WORKING, std::string(10 * etlhost::kMaxActivityTextBytes, 'x'), 0);
  CHECK(report.snapshot().activity.what.size() <= etlhost::kMaxActivityTextBytes + 3);
}

TEST_CASE("work report: units are kept as compact JSON objects and anything else is counted as dropped") {
  WorkReport report;
  report.report_unit(R"({ "stream": "events", "id": "1", "records": 3 })");
  report.report_unit("[1, 2]");                                                               // not an object
  report.report_unit("{\"id\": ");                                                            // not JSON
  report.report_unit("{\"pad\": \"" + std::string(etlhost::kMaxUnitJsonBytes, 'p') + "\"}");  // too long
  const auto units = report.units();
  REQUIRE(units.size() == 1);
  CHECK(units[0] == R"({"id":"1","records":3,"stream":"events"})");
  CHECK(report.units_dropped() == 3);
  CHECK(report.snapshot().units_reported == 4);
}
