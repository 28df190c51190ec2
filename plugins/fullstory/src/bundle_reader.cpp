#include "bundle_reader.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "fetch_failure.h"
#include "timestamps.h"

namespace fullstory {

std::string unit_report_json(std::string_view stream, int64_t id, int64_t start, int64_t end,
                             const BundleStats& stats) {
  return nlohmann::json{{"stream", stream},
                        {"id", std::to_string(id)},
                        {"start", format_rfc3339_utc(start)},
                        {"end", format_rfc3339_utc(end)},
                        {"bytes", stats.bytes},
                        {"records", stats.events},
                        {"attempts", stats.attempts},
                        {"wait_ms", stats.wait_ms}}
      .dump();
}

std::string BodyUnit::what() const {
  return label + " (" + format_rfc3339_utc(start) + " to " + format_rfc3339_utc(stop) + ")";
}

BodyUnit bundle_unit(const BundleRef& bundle, ExportApi& api) {
  BodyUnit unit;
  unit.label = "bundle " + std::to_string(bundle.id);
  unit.noun = "bundle";
  unit.start = bundle.start;
  unit.stop = bundle.stop;
  unit.key_id = bundle.id;
  unit.download = [&api, bundle](BodyConsumer& consumer) {
    api.download(bundle, consumer);
    return api.last_download_attempts();
  };
  unit.waited = [&api] { return api.waited(); };
  return unit;
}

BundleReader::BundleReader(etl::Emitter& out, const etl::Host& host, const SourceConfig& config, RecordShaper& shaper)
    : out_(out),
      host_(host),
      config_(config),
      splitter_(*this, static_cast<size_t>(config.max_event_bytes)),
      decoder_(splitter_),
      shaper_(shaper) {}

BundleStats BundleReader::read(const BodyUnit& unit) {
  unit_ = &unit;
  stats_ = BundleStats();
  guard_.reset();
  const auto started = std::chrono::steady_clock::now();
  time_extracted_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::chrono::milliseconds waited_before = unit.waited();
  stats_.attempts = unit.download(*this);
  stats_.events = guard_.emitted() - stats_.skipped;
  stats_.gzip_layers = decoder_.gzip_layers();
  const std::chrono::milliseconds waited = unit.waited() - waited_before;
  stats_.wait_ms = waited.count();
  stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started - waited).count();
  return stats_;
}

void BundleReader::malformed(const std::string& problem) const {
  throw etl::Error(ETL_E_INVALID_DATA, unit_->what() + " is malformed: " + problem + ". No state was saved for this " +
                                           unit_->noun + "; the next run downloads it again");
}

void BundleReader::begin_attempt() {
  decoder_.reset();
  splitter_.reset();
  guard_.start_attempt();
}

void BundleReader::consume(const char* data, size_t size) {
  stats_.bytes += size;
  try {
    decoder_.write(data, size);
  } catch (const DecodeError& e) {
    malformed(std::string(e.what()) + " after " + std::to_string(stats_.bytes) + " body bytes");
  } catch (const SplitError& e) {
    malformed("invalid JSON at byte offset " + std::to_string(e.offset()) + " of the decompressed body: " + e.what());
  } catch (const BundleChangedError& e) {
    throw etl::Error(ETL_E_INVALID_DATA, unit_->label + ": " + e.what());
  }
}

void BundleReader::end_of_body(bool length_verified) {
  // A body that stops early is a cut transfer (retry) unless we have proof it arrived whole:
  // the server's Content-Length was met, or the gzip stream reached its trailer (whose CRC
  // and length zlib checked). Then an unfinished document is the server's fault: malformed.
  bool arrived_whole = length_verified;
  try {
    decoder_.finish();
    arrived_whole = arrived_whole || decoder_.gzip_layers() > 0;
    splitter_.finish();
    guard_.finish_attempt();
  } catch (const DecodeError& e) {
    if (e.kind() == DecodeError::Kind::kTruncated && !arrived_whole) {
      throw FetchFailure(FetchFailure::Kind::kTruncated, std::string("the body was cut short: ") + e.what());
    }
    malformed(e.what());
  } catch (const SplitError& e) {
    if (e.kind() == SplitError::Kind::kIncomplete && !arrived_whole) {
      throw FetchFailure(FetchFailure::Kind::kTruncated, std::string("the body was cut short: ") + e.what());
    }
    malformed("invalid JSON at byte offset " + std::to_string(e.offset()) + " of the decompressed body: " + e.what() +
              (e.kind() == SplitError::Kind::kIncomplete ? " although the body arrived whole" : ""));
  } catch (const BundleChangedError& e) {
    throw etl::Error(ETL_E_INVALID_DATA, unit_->label + ": " + e.what());
  }
}

std::string BundleReader::where_event() const {
  return "event " + std::to_string(splitter_.elements()) + " (ending at byte offset " +
         std::to_string(splitter_.element_end_offset()) + " of the decompressed body)";
}

void BundleReader::element(std::string_view json) {
  if (!guard_.admit(json)) return;  // emitted by an earlier attempt (and verified)
  shaper_.begin_event();
  if (auto problem = validator_.problem(json, &shaper_)) malformed(where_event() + " is " + *problem);
  const std::string& stream = shaper_.schema().spec().stream;
  if (shaper_.schema().take_change()) out_.schema(stream, shaper_.schema().message());
  // The guard counts every event of the bundle so far, skipped ones too: this one's position.
  const uint64_t position = guard_.emitted() - 1;
  out_.record(stream, shaper_.shape(json, unit_->key_id, position), time_extracted_ms_);
}

void BundleReader::oversized_element(uint64_t bytes) {
  // The guard counts a skipped event like an emitted one, by its size: a retried download
  // then passes over it again silently, and the events after it keep their places.
  if (!guard_.admit("oversized event of " + std::to_string(bytes) + " bytes")) return;
  const std::string what = unit_->label + " " + where_event() + " is " + std::to_string(bytes) +
                           " bytes, over max_event_bytes (" + std::to_string(config_.max_event_bytes) + ")";
  if (!config_.skip_oversized_events) {
    throw etl::Error(ETL_E_INVALID_DATA, what + ". No state was saved for this bundle. To go on without the event, set "
                                                "skip_oversized_events to true; to keep it, raise max_event_bytes "
                                                "(memory grows with it, about twice the event)");
  }
  ++stats_.skipped;
  host_.count("oversized_events_skipped", 1);
  host_.warn(what + ": SKIPPED, not delivered (skip_oversized_events is true)");
}

}  // namespace fullstory
