// fullstory-sim: a stand-in for FullStory's legacy Data Export API. See --help.
#include <cstdio>
#include <exception>

#include <Poco/Exception.h>

#include "offline_commands.h"
#include "options.h"
#include "server.h"

int main(int argc, char** argv) {
  try {
    const fssim::SimOptions options = fssim::parse_options(argc, argv);
    if (options.help) {
      std::fputs(fssim::usage_text(), stdout);
      return 0;
    }
    if (options.offline) {
      fssim::run_offline_command(options);
      return 0;
    }
    return fssim::run_server(options);
  } catch (const fssim::UsageError& error) {
    std::fprintf(stderr, "fullstory-sim: %s\nRun 'fullstory-sim --help' for usage.\n", error.what());
    return 2;
  } catch (const Poco::Exception& error) {  // what() is only the class name; displayText() says why
    std::fprintf(stderr, "fullstory-sim: %s\n", error.displayText().c_str());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fullstory-sim: %s\n", error.what());
    return 1;
  }
}
