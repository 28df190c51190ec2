// export_api_kind.h: which of FullStory's export APIs a source reads. The config names it
// (export_api); the schema follows it, because the two APIs name and type fields differently.
#pragma once

namespace fullstory {

enum class ExportApiKind {
  kDataExport,     // the legacy Data Export API: export/list and export/get bundles
  kSegmentExport,  // the Segment Export API: segment exports, operations, signed downloads
};

}  // namespace fullstory
