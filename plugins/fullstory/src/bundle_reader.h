// bundle_reader.h: one bundle from bytes to RECORDs: body -> BodyDecoder ->
// JsonArraySplitter -> ReplayGuard -> EventValidator -> RecordShaper -> etl::Emitter.
//
// Records leave as the body streams in (memory stays one event plus fixed buffers, from
// 10 k to millions of events per bundle; an event over max_event_bytes is never held: it
// fails the bundle or, with skip_oversized_events, is skipped loudly). A download cut short is retried by ExportApi;
// the ReplayGuard makes sure the retry emits only what the first attempt did not.
#pragma once

#include <cstdint>
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

class BundleReader final : private BodyConsumer, private ElementSink {
 public:
  /// `config` (max_event_bytes, skip_oversized_events), `host` (warnings, counters) and
  /// `shaper` (key, selection, schema growth) must outlive the reader.
  BundleReader(ExportApi& api, etl::Emitter& out, const etl::Host& host, const SourceConfig& config,
               RecordShaper& shaper);

  /// Emits every event of `bundle` as a RECORD of stream "events" (no STATE), each after
  /// the SCHEMA that declares its fields when one of them is new. Throws
  /// etl::Error: ETL_E_INVALID_DATA for a malformed or changed bundle, or the code of an
  /// exhausted retry budget.
  BundleStats read(const BundleRef& bundle);

 private:
  void begin_attempt() override;
  void consume(const char* data, size_t size) override;
  void end_of_body(bool length_verified) override;
  void element(std::string_view json) override;
  void oversized_element(uint64_t bytes) override;
  std::string where_event() const;
  [[noreturn]] void malformed(const std::string& problem) const;

  ExportApi& api_;
  etl::Emitter& out_;
  const etl::Host& host_;
  const SourceConfig& config_;
  JsonArraySplitter splitter_;
  BodyDecoder decoder_;
  EventValidator validator_;
  ReplayGuard guard_;
  RecordShaper& shaper_;
  BundleRef bundle_;
  BundleStats stats_;
  int64_t time_extracted_ms_ = 0;
};

}  // namespace fullstory
