// sdk/conformance.md must list the kit's checks as its check table does (check_table.h): the
// same ids, in the same order, under the heading of the plugins they apply to. The runner
// and `etlhost test-plugin --help` come from the table itself.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "conformance/check_table.h"
#include "files.h"

namespace {

using etlhost::conformance::CheckKind;

// "### Every plugin" etc. in the doc's "## The checks" section.
std::string kind_heading(CheckKind kind) {
  switch (kind) {
    case CheckKind::kPlugin: return "### Every plugin";
    case CheckKind::kSource: return "### Sources";
    case CheckKind::kSink: return "### Sinks";
  }
  return "";
}

// (heading, id) of every paragraph that opens with **`id`** in "## The checks".
std::vector<std::pair<std::string, std::string>> documented_checks() {
  std::vector<std::pair<std::string, std::string>> found;
  bool in_checks = false;
  std::string heading;
  for (const std::string& line : etltest::lines_of(etltest::read_file(ETLHOST_CONFORMANCE_DOC))) {
    if (line.rfind("## ", 0) == 0) in_checks = line == "## The checks";
    if (!in_checks) continue;
    if (line.rfind("### ", 0) == 0) heading = line;
    if (line.rfind("**`", 0) == 0) {
      const size_t end = line.find("`**", 3);
      if (end != std::string::npos) found.emplace_back(heading, line.substr(3, end - 3));
    }
  }
  return found;
}

}  // namespace

TEST_CASE("sdk/conformance.md lists the check table's checks, in order, under their kinds") {
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& check : etlhost::conformance::check_table())
    expected.emplace_back(kind_heading(check.kind), check.id);
  const auto documented = documented_checks();
  CHECK(documented.size() == expected.size());
  for (size_t i = 0; i < expected.size() && i < documented.size(); ++i) {
    CHECK_MESSAGE(documented[i] == expected[i], "doc has " << documented[i].first << " / " << documented[i].second
                                                           << ", table has " << expected[i].first << " / "
                                                           << expected[i].second);
  }
}
