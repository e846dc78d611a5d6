// The last line of defence of every program's main(). Errors are Status values; an exception
// that reaches main() is a bug. RunMain turns it into one line on stderr and the program's
// error exit code, never an abort with a core dump (docs/RELIABILITY.md):
//
//   int main(int argc, char** argv) {
//     return bioner::RunMain("bioner-tool", /*error_exit_code=*/1, [&] { return Run(argc, argv); });
//   }
//
// Covers the calling (main) thread only; exceptions on other threads end in std::terminate.
#ifndef BIONER_CORE_UTIL_MAIN_GUARD_H_
#define BIONER_CORE_UTIL_MAIN_GUARD_H_

#include <functional>
#include <string>

namespace bioner {

// body() or, when it throws, `error_exit_code` after "<program>: internal error: ...".
// `report_with` says what a bug report should include ("the command and its input").
int RunMain(const std::string& program, int error_exit_code, const std::function<int()>& body,
            const std::string& report_with = "the command and its input");

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_MAIN_GUARD_H_
