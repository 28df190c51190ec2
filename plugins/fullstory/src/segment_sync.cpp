#include "segment_sync.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "timestamps.h"
#include "window_plan.h"

namespace fullstory {
namespace {

using std::chrono::milliseconds;

// hauser polls every 5 s; a test export prepares in milliseconds. Starting fast and
// doubling up to 5 s costs a handful of polls per export either way.
constexpr milliseconds kFirstPollDelay{200};
constexpr milliseconds kMaxPollDelay{5000};
// An export whose results expired before its download ended is created again this often.
constexpr int kMaxRecreations = 2;

std::string window_text(const ExportWindow& window) {
  return "window " + format_rfc3339_utc(window.start) + " to " + format_rfc3339_utc(window.end);
}

std::string window_line(const char* stream, const ExportWindow& window, const BundleStats& stats) {
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, ": %llu records, %llu bytes, %.2f s",
                static_cast<unsigned long long>(stats.events), static_cast<unsigned long long>(stats.bytes),
                stats.seconds);
  std::string line = std::string(stream) + " " + window_text(window) + numbers;
  if (stats.attempts > 1) line += ", " + std::to_string(stats.attempts) + " requests";
  if (stats.skipped > 0) line += ", " + std::to_string(stats.skipped) + " oversized records SKIPPED";
  return line;
}

}  // namespace

void SegmentSync::run(WindowStream& stream) {
  const WindowSchedule schedule = schedule_windows(config_, stream.bookmark, unix_now(), stream.name);
  const bool continued = stream.bookmark && stream.bookmark->from_bundles;
  host_.info(std::string(stream.name) + ": exporting windows from " + format_rfc3339_utc(schedule.window(0).start) +
             " (from " +
             (continued         ? "the Data Export state's last bundle Stop"
              : stream.bookmark ? "the state's last delivered window"
                                : "start_date") +
             ")");
  host_.info(schedule_summary(config_, schedule, stream.name));
  if (schedule.count() == 0) return;
  // A counter per stream: the progress line's done/total must not mix events' windows with individuals'.
  const std::string counter = std::string(stream.name) + "_windows";
  host_.plan(counter, schedule.count());

  BundleReader reader(out_, host_, config_, stream.shaper);
  std::deque<Export> in_flight;
  int64_t next = 0;
  uint64_t records = 0;
  for (int64_t done = 0; done < schedule.count(); ++done) {
    // Top up first: these prepare on FullStory's side while the oldest one downloads.
    while (next < schedule.count() && in_flight.size() < static_cast<size_t>(config_.exports_in_flight)) {
      in_flight.push_back(create(stream, schedule.window(next++)));
    }
    Export& head = in_flight.front();
    const BundleStats stats = read_window(stream, reader, head);
    commit(stream, head.window);
    records += stats.events;
    host_.count(counter, 1);
    host_.info(window_line(stream.name, head.window, stats));
    host_.report_unit(unit_report_json(stream.name, head.window.start, head.window.start, head.window.end, stats));
    in_flight.pop_front();
  }
  host_.info(std::string(stream.name) + ": delivered " + std::to_string(schedule.count()) + " windows, " +
             std::to_string(records) + " records; bookmark now " +
             format_rfc3339_utc(schedule.window(schedule.count() - 1).end));
}

SegmentSync::Export SegmentSync::create(const WindowStream& stream, const ExportWindow& window) {
  host_.activity(ETL_ACTIVITY_WORKING,
                 std::string("creating the export of ") + stream.name + " " + window_text(window));
  ExportRequest request{config_.segment_id, stream.type, stream.fields, window};
  Export created{window, api_.create_export(request)};
  host_.debug(std::string(stream.name) + " " + window_text(window) + ": export created, operation " +
              created.operation_id);
  host_.count("exports_created", 1);
  return created;
}

std::string SegmentSync::await_completion(const Export& created) {
  const auto deadline = std::chrono::steady_clock::now() + config_.export_timeout;
  milliseconds delay = kFirstPollDelay;
  for (;;) {
    const OperationStatus status = api_.operation(created.operation_id);
    switch (status.state) {
      case OperationStatus::State::kCompleted: return status.search_export_id;
      case OperationStatus::State::kFailed:
        throw etl::Error(
            ETL_E_IO, "FullStory's export of " + window_text(created.window) + " (operation " + created.operation_id +
                          ") FAILED: " + (status.error_details.empty() ? "(no details given)" : status.error_details) +
                          ". No state was saved for this window; the next run exports it again");
      case OperationStatus::State::kPending: break;
    }
    if (std::chrono::steady_clock::now() + delay > deadline) {
      throw etl::Error(ETL_E_TIMEOUT, "FullStory's export of " + window_text(created.window) + " (operation " +
                                          created.operation_id + ") is still preparing (" +
                                          std::to_string(status.percent) + "%) after export_timeout_minutes (" +
                                          std::to_string(config_.export_timeout.count()) +
                                          "). No state was saved for this window; raise export_timeout_minutes or "
                                          "run again later");
    }
    const auto until = std::chrono::system_clock::now() + delay;
    host_.activity(ETL_ACTIVITY_WAITING,
                   "FullStory is preparing " + window_text(created.window) + ": " + std::to_string(status.percent) +
                       "%, next poll in " + seconds_text(delay),
                   std::chrono::duration_cast<milliseconds>(until.time_since_epoch()).count());
    host_.sleep_for(delay);
    delay = std::min(delay * 2, kMaxPollDelay);
  }
}

BundleStats SegmentSync::read_window(WindowStream& stream, BundleReader& reader, Export& created) {
  BodyUnit unit;
  unit.label = std::string(stream.name) + " window";
  unit.noun = "window";
  unit.start = created.window.start;
  unit.stop = created.window.end;
  unit.key_id = created.window.start;
  unit.waited = [this] { return api_.waited(); };
  // Awaited before the unit's clock starts: its time is the download's, not FullStory's preparing.
  std::string search_export_id = await_completion(created);
  unit.download = [&](BodyConsumer& consumer) {
    for (int recreated = 0;; ++recreated) {
      try {
        api_.download(search_export_id, consumer);
        return api_.last_download_attempts();
      } catch (const ExportGone& gone) {
        if (recreated == kMaxRecreations) throw;
        // The next attempt starts over at byte 0; the reader's ReplayGuard skips what was emitted.
        host_.warn(std::string(gone.what()) + "; creating the export of " + window_text(created.window) + " again");
        created = create(stream, created.window);
        search_export_id = await_completion(created);
      }
    }
  };
  return reader.read(unit);
}

void SegmentSync::commit(WindowStream& stream, const ExportWindow& window) {
  // The window's records are all emitted: the host commits this once the sink has them.
  stream.bookmark = WindowBookmark{window.end, stream.shaper.schema().extra_fields(), false};
  out_.state(book_.merge(window_state_json(state_)));
}

}  // namespace fullstory
