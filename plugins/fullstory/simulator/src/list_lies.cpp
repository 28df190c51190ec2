#include "list_lies.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <utility>

namespace fssim {
namespace {

constexpr std::int64_t kYear2100 = 4'102'444'800;

constexpr std::array<std::pair<std::string_view, ListLie>, 9> kLies = {{
    {"none", ListLie::kNone},
    {"newest-first", ListLie::kNewestFirst},
    {"duplicate-id", ListLie::kDuplicateId},
    {"duplicate-stop", ListLie::kDuplicateStop},
    {"future-stop", ListLie::kFutureStop},
    {"max-stop", ListLie::kMaxStop},
    {"gap", ListLie::kGap},
    {"overlap", ListLie::kOverlap},
    {"stale", ListLie::kStale},
}};

// Bundles ending after start (`stale`: at or after), oldest first, without bundle 1 for
// `gap`. Up to `limit` of them (all of them for newest-first, which lists from the other end).
std::vector<Bundle> after(const BundleCatalog& catalog, std::int64_t start, std::size_t limit, ListLie lie) {
  std::vector<Bundle> out;
  const bool stale = lie == ListLie::kStale && start > std::numeric_limits<std::int64_t>::min();
  for (const Bundle& bundle : catalog.ending_after(stale ? start - 1 : start)) {
    if (out.size() == limit && lie != ListLie::kNewestFirst) break;
    if (!(lie == ListLie::kGap && bundle.index == 1)) out.push_back(bundle);
  }
  return out;
}

}  // namespace

std::string_view list_lie_names() {
  return "none|newest-first|duplicate-id|duplicate-stop|future-stop|max-stop|gap|overlap|stale";
}

std::optional<ListLie> parse_list_lie(std::string_view name) {
  for (const auto& [text, lie] : kLies) {
    if (text == name) return lie;
  }
  return std::nullopt;
}

std::vector<Bundle> listed_bundles(const BundleCatalog& catalog, std::int64_t start, std::size_t page_size,
                                   ListLie lie) {
  std::vector<Bundle> listed = after(catalog, start, page_size, lie);
  if (lie == ListLie::kNewestFirst) {
    std::reverse(listed.begin(), listed.end());
    listed.resize(std::min(listed.size(), page_size));
    return listed;
  }
  listed.resize(std::min(listed.size(), page_size));
  if (listed.size() >= 2 && lie == ListLie::kDuplicateId) listed[1].id = listed[0].id;
  if (listed.size() >= 2 && lie == ListLie::kDuplicateStop) {
    listed[1].start = listed[0].start;  // the same time range as the first, under another Id
    listed[1].stop = listed[0].stop;
  }
  if (listed.size() >= 2 && lie == ListLie::kOverlap) listed[1].start = listed[0].start;
  if (!listed.empty() && lie == ListLie::kFutureStop) listed.back().stop = kYear2100;
  if (!listed.empty() && lie == ListLie::kMaxStop) listed.back().stop = std::numeric_limits<std::int64_t>::max();
  return listed;
}

}  // namespace fssim
