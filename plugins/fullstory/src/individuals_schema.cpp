#include "individuals_schema.h"

namespace fullstory {

StreamSpec individuals_spec() {
  // Off by default: a run with no catalog, or one written before this stream existed, keeps
  // syncing only events.
  return StreamSpec{kIndividualsStream,
                    &individual_fields(),
                    /*key_field=*/"",
                    {"IndvId"},
                    "LastEventStart",
                    /*bookmark_is_replication_key=*/false,  // the bookmark is the window end, as for events
                    /*selected_by_default=*/false};
}

}  // namespace fullstory
