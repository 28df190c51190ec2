#include "bundle_reader.h"

#include <chrono>

#include "events_schema.h"
#include "fetch_failure.h"
#include "timestamps.h"

namespace fullstory {

BundleReader::BundleReader(ExportApi& api, etl::Emitter& out)
    : api_(api), out_(out), splitter_(*this), decoder_(splitter_) {}

BundleStats BundleReader::read(const BundleRef& bundle) {
  bundle_ = bundle;
  stats_ = BundleStats();
  guard_.reset();
  const auto started = std::chrono::steady_clock::now();
  time_extracted_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  api_.download(bundle, *this);
  stats_.events = guard_.emitted();
  stats_.gzip_layers = decoder_.gzip_layers();
  stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats_;
}

void BundleReader::malformed(const std::string& problem) const {
  throw etl::Error(ETL_E_INVALID_DATA, "bundle " + std::to_string(bundle_.id) + " (" +
                                           format_rfc3339_utc(bundle_.start) + " to " +
                                           format_rfc3339_utc(bundle_.stop) + ") is malformed: " + problem +
                                           ". No state was saved for this bundle; the next run downloads it again");
}

void BundleReader::begin_attempt() {
  ++stats_.attempts;
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
    throw etl::Error(ETL_E_INVALID_DATA, "bundle " + std::to_string(bundle_.id) + ": " + e.what());
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
    throw etl::Error(ETL_E_INVALID_DATA, "bundle " + std::to_string(bundle_.id) + ": " + e.what());
  }
}

void BundleReader::element(std::string_view json) {
  if (!guard_.admit(json)) return;  // emitted by an earlier attempt (and verified)
  if (auto problem = validator_.problem(json)) {
    malformed("event " + std::to_string(splitter_.elements()) + " (ending at byte offset " +
              std::to_string(splitter_.element_end_offset()) + " of the decompressed body) is " + *problem);
  }
  out_.record(kEventsStream, json, time_extracted_ms_);
}

}  // namespace fullstory
