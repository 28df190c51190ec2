// segment_run.h: the source's sync and plan under export_api segment_export: which streams
// the catalog selects (events by default, individuals on request), their schemas from the
// state's remembered fields, and the windowed exports of each, events first.
#pragma once

#include <string>

#include "etlhost/plugin.hpp"
#include "source_config.h"
#include "state_book.h"
#include "stream_schema.h"
#include "tls_context.h"

namespace fullstory {

/// A stream's schema: the catalog's deselections, then the fields an earlier run saw (their
/// order is the columns'), then `configured` (events: the config's custom_fields).
StreamSchema stream_schema(StreamSpec spec, std::set<std::string> deselected, const std::vector<ExtraField>& remembered,
                           const std::vector<ExtraField>& configured, const etl::Host& host);

/// The SCHEMA messages `etlhost discover` prints for Segment Export: events and individuals.
void discover_segment_export(const SourceConfig& config, const etl::Host& host, etl::Emitter& out);

/// Syncs events and individuals, when the catalog selects them (nothing, quietly, otherwise).
void sync_segment_export(const SourceConfig& config, const TlsContext* tls, const etl::Host& host,
                         std::string_view catalog_json, StateBook& book, etl::Emitter& out);

/// The plan JSON (`etlhost run --dry-run`): every window each selected stream would export.
std::string plan_segment_export(const SourceConfig& config, std::string_view catalog_json, const StateBook& book);

}  // namespace fullstory
