// The one doctest main every suite links (etlhost_test_main), so no suite carries its own.
//
// It fails a run whose filters matched no test case. ctest runs each case as
// `suite --test-case=<name>`, with the names doctest_discover_tests listed; a name it cannot
// carry (a ';' splits it in two) becomes a filter that matches nothing, and doctest calls
// such a run a success: the case would silently never run.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

namespace {

unsigned g_cases_run = 0;

// Counts the test cases that passed the filters; reports nothing.
struct CaseCounter final : doctest::IReporter {
  explicit CaseCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override { g_cases_run = stats.numTestCasesPassingFilters; }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

DOCTEST_REGISTER_LISTENER("etlhost-case-counter", 1, CaseCounter);

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit() || result != 0) return result;  // --list-test-cases, --help, ... or a failure
  if (g_cases_run == 0) {
    std::fprintf(stderr, "no test case matched the filters (a test name with ';' cannot pass through ctest)\n");
    return 1;
  }
  return result;
}
