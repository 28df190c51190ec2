// metadata_run.h: the metadata streams (users, segments, recording settings) in the source's
// discover, sync and plan, under either export_api: which ones the catalog selects (none
// without a catalog: they are opt-in, so a Stitch user's run stays events only), and their
// sync, in metadata_streams() order, after the events stream.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.hpp"
#include "metadata_streams.h"
#include "source_config.h"
#include "state_book.h"
#include "tls_context.h"

namespace fullstory {

struct SelectedMetadata {
  const MetadataStream* stream;
  std::set<std::string> deselected;  // top-level properties, automatic ones never among them
};

/// The catalog entries `etlhost discover` prints for the 14 metadata streams.
void discover_metadata(etl::Emitter& out);

/// The metadata streams `catalog_json` selects. Warns about automatic properties it deselects.
std::vector<SelectedMetadata> selected_metadata(std::string_view catalog_json, const etl::Host& host);

/// Refuses (ETL_E_INVALID_STATE) a selected stream's bookmark it could not use, before any request.
void check_metadata_state(const StateBook& book, const std::vector<SelectedMetadata>& selected);

void sync_metadata(const SourceConfig& config, const TlsContext* tls, const etl::Host& host,
                   const std::vector<SelectedMetadata>& selected, StateBook& book, etl::Emitter& out);

/// `events_plan` (the events' plan JSON) with one unit per selected metadata stream, and its
/// summary naming them.
std::string plan_with_metadata(const std::string& events_plan, const std::vector<SelectedMetadata>& selected);

}  // namespace fullstory
