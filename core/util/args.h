// Command-line flags for bioner's programs: one parser instead of one per program.
//
//   ArgParser p("bioner-tool tokenize", "Tokenizes JSONL {\"text\"} lines from stdin.");
//   p.AddValue("vocab", "FILE", "WordPiece vocab.txt", /*required=*/true);
//   p.AddBool("lowercase", "lowercase and strip accents");
//   p.AddList("model", "DIR", "model folder (repeatable)");
//   if (auto exit_code = p.ParseCommandLine(argc, argv)) return *exit_code;
//
// (Parse() returns the Status instead; "--help" yields one with code kCancelled.)
//
// Accepts `--name value` and `--name=value`; unknown flags, missing values and missing
// required flags are INVALID_ARGUMENT errors that name the flag. Not thread-safe.
#ifndef BIONER_CORE_UTIL_ARGS_H_
#define BIONER_CORE_UTIL_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace bioner {

class ArgParser {
 public:
  ArgParser(std::string program, std::string summary);

  void AddBool(const std::string& name, const std::string& help);
  void AddValue(const std::string& name, const std::string& metavar, const std::string& help,
                bool required = false, const std::string& default_value = "");
  void AddList(const std::string& name, const std::string& metavar, const std::string& help,
               bool required = false);

  // Parses argv[first..argc). Returns CANCELLED after printing usage for --help.
  Status Parse(int argc, char** argv, int first = 1);
  // Parse() for a program's main: nullopt when the flags are good; otherwise the exit code
  // to return (0 after --help; 2 after printing the error to stderr).
  std::optional<int> ParseCommandLine(int argc, char** argv, int first = 1);

  bool GetBool(const std::string& name) const;
  const std::string& Get(const std::string& name) const;
  bool Has(const std::string& name) const;  // given on the command line
  const std::vector<std::string>& GetList(const std::string& name) const;
  // Parses an integer flag; the error names the flag.
  StatusOr<long long> GetInt(const std::string& name) const;
  // Parses a number flag (the whole value, e.g. "5e-4"); the error names the flag.
  StatusOr<double> GetDouble(const std::string& name) const;
  // Non-flag arguments, in order.
  const std::vector<std::string>& positional() const { return positional_; }

  std::string Usage() const;

 private:
  enum class Kind { kBool, kValue, kList };
  struct Flag {
    Kind kind;
    std::string metavar, help, default_value;
    bool required = false;
    std::vector<std::string> values;
    bool given = false;
  };
  std::string program_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> positional_;
};

// A program made of subcommands ("bioner-tool tokenize ..."): the table gives each name, a
// one-line synopsis for the usage text, and the function that runs it with argv[0] = name.
struct Subcommand {
  const char* name;
  const char* synopsis;
  int (*run)(int argc, char** argv);
};

// Runs the subcommand named by argv[1]. Without one, or for --help, prints the usage built
// from the table (exit 2 or 0); an unknown name is an error naming it (exit 2).
int RunSubcommand(const std::string& program, const std::vector<Subcommand>& commands, int argc,
                  char** argv);

}  // namespace bioner

#endif  // BIONER_CORE_UTIL_ARGS_H_
