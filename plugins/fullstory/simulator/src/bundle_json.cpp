#include "bundle_json.h"

#include "json_writer.h"

namespace fssim {

namespace {

// Large enough that the sink sees few calls, small enough to stay in L2.
constexpr std::size_t kChunkBytes = 256 * 1024;

void write_bundle_range(JsonWriter& json, const Bundle& bundle) {
  json.member("Id", bundle.id);
  json.member("Start", bundle.start);
  json.member("Stop", bundle.stop);
}

}  // namespace

void write_bundle_events(const EventGenerator& generator, const Bundle& bundle, EventFraming framing, ByteSink& sink) {
  const bool array = framing == EventFraming::kJsonArray;
  std::string chunk;
  chunk.reserve(kChunkBytes + 8 * 1024);
  if (array) chunk += '[';
  for (std::uint64_t i = 0; i < bundle.event_count; ++i) {
    if (array && i > 0) chunk += ',';
    generator.append_event(chunk, bundle, i);
    if (!array) chunk += '\n';
    if (chunk.size() >= kChunkBytes) {
      sink.write(chunk);
      chunk.clear();
    }
  }
  if (array) chunk += ']';
  if (!chunk.empty()) sink.write(chunk);
}

std::string export_list_json(std::span<const Bundle> bundles) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.key("exports");
  json.begin_array();
  for (const Bundle& bundle : bundles) {
    json.begin_object();
    write_bundle_range(json, bundle);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return out;
}

std::string bundle_summary_json(const Bundle& bundle) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  write_bundle_range(json, bundle);
  json.member("events", bundle.event_count);
  json.end_object();
  return out;
}

}  // namespace fssim
