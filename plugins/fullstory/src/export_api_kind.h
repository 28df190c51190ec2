// export_api_kind.h: which FullStory API the events stream is read from (config export_api).
#pragma once

namespace fullstory {

enum class ExportApiKind { kDataExport, kSegmentExport };

}  // namespace fullstory
