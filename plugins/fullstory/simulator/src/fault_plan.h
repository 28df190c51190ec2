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

enum class Endpoint { kList, kGet };

struct Fault {
  enum class Kind {
    kStatus,     // an error response with `status`
    kReset,      // close the connection with a TCP RST instead of answering
    kTruncate,   // headers and about half the body, then close mid-chunk
    kMalformed,  // a complete 200 whose JSON breaks halfway (the gzip stream itself is valid)
    kStall,      // headers and about half the body, then silence for --stall-seconds, then close
  };
  Kind kind = Kind::kStatus;
  int status = 0;  // Kind::kStatus only

  // "503", "reset", ...: for logs.
  std::string name() const;
};

// One --fault ENDPOINT:KIND[:COUNT][@BUNDLE_ID].
struct FaultSpec {
  Endpoint endpoint = Endpoint::kGet;
  Fault fault;
  std::optional<std::uint64_t> count;     // nullopt = always
  std::optional<std::int64_t> bundle_id;  // get only; nullopt = any bundle
};

// Throws std::invalid_argument explaining what part of `spec` is wrong.
FaultSpec parse_fault_spec(std::string_view spec);

// Hands faults out to requests in arrival order; thread-safe.
class FaultPlan {
 public:
  explicit FaultPlan(std::vector<FaultSpec> specs) : specs_(std::move(specs)) {}

  // The fault this request must get, if any, consuming one use of the first matching spec.
  // `bundle_id` is the requested bundle for get, nullopt for list.
  std::optional<Fault> take(Endpoint endpoint, std::optional<std::int64_t> bundle_id);

 private:
  std::mutex mutex_;
  std::vector<FaultSpec> specs_;
};

}  // namespace fssim
