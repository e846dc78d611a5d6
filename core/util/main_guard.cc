#include "core/util/main_guard.h"

#include <cstdio>
#include <exception>

namespace bioner {

int RunMain(const std::string& program, int error_exit_code, const std::function<int()>& body,
            const std::string& report_with) {
  const char* what = "unknown exception";
  std::string message;
  try {
    return body();
  } catch (const std::exception& e) {
    message = e.what();
    what = message.c_str();
  } catch (...) {
  }
  std::fprintf(stderr, "%s: internal error: %s (a bug in bioner: please report it with %s)\n", program.c_str(),
               what, report_with.c_str());
  return error_exit_code;
}

}  // namespace bioner
