// fault_plan.h: the failures the simulator injects (--fault), and when.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fssim {

// The legacy API's list and get, the Segment Export API's create, operation, results and the
// signed-URL storage download, then the metadata APIs (settings: current and history).
enum class Endpoint { kList, kGet, kCreate, kOperation, kResults, kStorage, kUsers, kSegments, kSettings };

struct Fault {
  enum class Kind {
    kStatus,     // an error response with `status`
    kReset,      // close the connection with a TCP RST instead of answering
    kTruncate,   // headers and about half the body, then close mid-chunk
    kMalformed,  // a complete 200 whose JSON breaks halfway (the gzip stream itself is valid)
    kStall,      // headers and about half the body, then silence for --stall-seconds, then close
    kFailed,     // operation only: the export ends FAILED (taken when it is created)
    kExpired,    // results only: the location handed out has already expired
  };
  Kind kind = Kind::kStatus;
  int status = 0;  // Kind::kStatus only

  // "503", "reset", ...: for logs.
  std::string name() const;
};

// One --fault ENDPOINT:KIND[:COUNT][@ID].
struct FaultSpec {
  Endpoint endpoint = Endpoint::kGet;
  Fault fault;
  std::optional<std::uint64_t> count;  // nullopt = always
  // get: the bundle id; create, operation, results, storage: the export's window start in
  // unix seconds; nullopt = any.
  std::optional<std::int64_t> bundle_id;
};

// Throws std::invalid_argument explaining what part of `spec` is wrong.
FaultSpec parse_fault_spec(std::string_view spec);

// Hands faults out to requests in arrival order; thread-safe.
class FaultPlan {
 public:
  explicit FaultPlan(std::vector<FaultSpec> specs) : specs_(std::move(specs)) {}

  // The fault this request must get, if any, consuming one use of the first matching spec.
  // `bundle_id` is the requested bundle for get, the window start for the Segment Export
  // endpoints, nullopt for list. Never returns kFailed (see take_failure).
  std::optional<Fault> take(Endpoint endpoint, std::optional<std::int64_t> bundle_id);
  // Whether a new export with this window start must end FAILED, consuming one use.
  bool take_failure(std::optional<std::int64_t> window_start);

 private:
  std::optional<Fault> take_matching(Endpoint endpoint, std::optional<std::int64_t> id, bool failure);

  std::mutex mutex_;
  std::vector<FaultSpec> specs_;
};

}  // namespace fssim
