// bundle_json.h: the JSON documents the simulator serves and dumps.
#pragma once

#include <span>
#include <string>

#include "bundle_catalog.h"
#include "byte_sink.h"
#include "event_generator.h"

namespace fssim {

enum class EventFraming {
  kJsonArray,  // "[e1,e2]": an export bundle as served
  kNdjson,     // "e1\ne2\n": the --dump-events ground truth, same object bytes
};

// Streams every event of `bundle` into `sink` in chunks; memory stays flat.
void write_bundle_events(const EventGenerator& generator, const Bundle& bundle, EventFraming framing, ByteSink& sink);

// {"exports":[{"Id":..,"Start":..,"Stop":..},...]}: the body of export/list.
std::string export_list_json(std::span<const Bundle> bundles);

// {"Id":..,"Start":..,"Stop":..,"events":N}: one line of --dump-bundles, without newline.
std::string bundle_summary_json(const Bundle& bundle);

}  // namespace fssim
