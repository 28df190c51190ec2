// bundle_reader.h: one bundle from bytes to RECORDs: body -> BodyDecoder ->
// JsonArraySplitter -> ReplayGuard -> EventValidator -> RecordShaper -> etl::Emitter.
//
// Records leave as the body streams in (memory stays one event plus fixed buffers, from
// 10 k to millions of events per bundle; an event over max_event_bytes is never held: it
// fails the bundle or, with skip_oversized_events, is skipped loudly). A download cut short is retried by ExportApi;
// the ReplayGuard makes sure the retry emits only what the first attempt did not.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "body_decoder.h"
#include "etlhost/plugin.hpp"
#include "event_validator.h"
#include "export_api.h"
#include "json_array_splitter.h"
#include "record_shaper.h"
#include "replay_guard.h"
#include "source_config.h"

namespace fullstory {

struct BundleStats {
  uint64_t events = 0;   // emitted
  uint64_t skipped = 0;  // over max_event_bytes, skipped (skip_oversized_events)
  uint64_t bytes = 0;    // body bytes received, all attempts
  int attempts = 0;      // requests made for it, failed ones included
  int gzip_layers = 0;
  double seconds = 0;   // the bundle's own time: waits for the API excluded
  int64_t wait_ms = 0;  // pacing and retry waits during this bundle
};

/// The unit's entry in the run record (etlhost history, --report), with plugin.h's
/// report_unit names: {"stream", "id" (a string: bundle ids exceed 2^53), "start", "end",
/// "bytes", "records", "attempts", "wait_ms"}.
std::string unit_report_json(std::string_view stream, int64_t id, int64_t start, int64_t end, const BundleStats& stats);

/// One unit of download: a Data Export bundle or a Segment Export window, and how to fetch it.
struct BodyUnit {
  std::string label;  // "bundle 9007199254740993", "events window": messages start with it
  std::string noun;   // "bundle", "window": "No state was saved for this <noun>"
  int64_t start = 0;  // Unix seconds, for messages
  int64_t stop = 0;
  int64_t key_id = 0;  // the record key's first part: the bundle Id, or the window start
  /// Streams the body into the consumer, retrying as needed; returns the requests it made.
  std::function<int(BodyConsumer&)> download;
  /// The API's total wait so far (pacing and retry backoff), to tell the unit's own time.
  std::function<std::chrono::milliseconds()> waited;

  /// "bundle 9007199254740993 (2023-11-15T00:00:00Z to 2023-11-16T00:00:00Z)".
  std::string what() const;
};

/// A Data Export bundle as a BodyUnit of stream `events`.
BodyUnit bundle_unit(const BundleRef& bundle, ExportApi& api);

class BundleReader final : private BodyConsumer, private ElementSink {
 public:
  /// `config` (max_event_bytes, skip_oversized_events), `host` (warnings, counters) and
  /// `shaper` (key, selection, schema growth) must outlive the reader.
  BundleReader(etl::Emitter& out, const etl::Host& host, const SourceConfig& config, RecordShaper& shaper);

  /// Emits every event of `unit` as a RECORD of its stream (no STATE), each after the
  /// SCHEMA that declares its fields when one of them is new. Throws etl::Error:
  /// ETL_E_INVALID_DATA for a malformed or changed body, or the code of an exhausted retry budget.
  BundleStats read(const BodyUnit& unit);

 private:
  void begin_attempt() override;
  void consume(const char* data, size_t size) override;
  void end_of_body(bool length_verified) override;
  void element(std::string_view json) override;
  void oversized_element(uint64_t bytes) override;
  std::string where_event() const;
  [[noreturn]] void malformed(const std::string& problem) const;

  etl::Emitter& out_;
  const etl::Host& host_;
  const SourceConfig& config_;
  JsonArraySplitter splitter_;
  BodyDecoder decoder_;
  EventValidator validator_;
  ReplayGuard guard_;
  RecordShaper& shaper_;
  const BodyUnit* unit_ = nullptr;
  BundleStats stats_;
  int64_t time_extracted_ms_ = 0;
};

}  // namespace fullstory
