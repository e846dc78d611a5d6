#include "core/util/args.h"

#include <iostream>
#include <sstream>

namespace bioner {

ArgParser::ArgParser(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void ArgParser::AddBool(const std::string& name, const std::string& help) {
  order_.push_back(name);
  flags_[name] = Flag{Kind::kBool, "", help, "", false, {}, false};
}

void ArgParser::AddValue(const std::string& name, const std::string& metavar,
                         const std::string& help, bool required,
                         const std::string& default_value) {
  order_.push_back(name);
  flags_[name] = Flag{Kind::kValue, metavar, help, default_value, required, {}, false};
}

void ArgParser::AddList(const std::string& name, const std::string& metavar,
                        const std::string& help, bool required) {
  order_.push_back(name);
  flags_[name] = Flag{Kind::kList, metavar, help, "", required, {}, false};
}

Status ArgParser::Parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << Usage();
      return Cancelled("help requested");
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      return InvalidArgument(program_ + ": unknown flag --" + name + " (see --help)");
    }
    Flag& f = it->second;
    f.given = true;
    if (f.kind == Kind::kBool) {
      if (has_inline) {
        if (value != "true" && value != "false") {
          return InvalidArgument(program_ + ": --" + name + " takes true or false");
        }
        f.values = {value};
      } else {
        f.values = {"true"};
      }
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argc) return InvalidArgument(program_ + ": --" + name + " needs a value");
      value = argv[++i];
    }
    if (f.kind == Kind::kValue) {
      f.values = {value};
    } else {
      f.values.push_back(value);
    }
  }
  for (const auto& name : order_) {
    const Flag& f = flags_.at(name);
    if (f.required && !f.given) {
      return InvalidArgument(program_ + ": missing required flag --" + name + " " + f.metavar);
    }
  }
  return Status::Ok();
}

std::optional<int> ArgParser::ParseCommandLine(int argc, char** argv, int first) {
  Status s = Parse(argc, argv, first);
  if (s.ok()) return std::nullopt;
  if (s.code() == StatusCode::kCancelled) return 0;
  std::cerr << s.message() << "\n";
  return 2;
}

bool ArgParser::GetBool(const std::string& name) const {
  const Flag& f = flags_.at(name);
  return !f.values.empty() && f.values.front() == "true";
}

const std::string& ArgParser::Get(const std::string& name) const {
  const Flag& f = flags_.at(name);
  return f.values.empty() ? f.default_value : f.values.front();
}

bool ArgParser::Has(const std::string& name) const { return flags_.at(name).given; }

const std::vector<std::string>& ArgParser::GetList(const std::string& name) const {
  return flags_.at(name).values;
}

StatusOr<long long> ArgParser::GetInt(const std::string& name) const {
  const std::string& v = Get(name);
  try {
    size_t used = 0;
    long long x = std::stoll(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  return InvalidArgument(program_ + ": --" + name + " expects an integer, got '" + v + "'");
}

StatusOr<double> ArgParser::GetDouble(const std::string& name) const {
  const std::string& v = Get(name);
  try {
    size_t used = 0;
    double x = std::stod(v, &used);
    if (used == v.size()) return x;
  } catch (const std::exception&) {
  }
  return InvalidArgument(program_ + ": --" + name + " expects a number, got '" + v + "'");
}

std::string ArgParser::Usage() const {
  std::ostringstream os;
  os << "usage: " << program_ << " [flags]\n" << summary_ << "\n\nflags:\n";
  for (const auto& name : order_) {
    const Flag& f = flags_.at(name);
    std::string left = "  --" + name + (f.metavar.empty() ? "" : " " + f.metavar);
    os << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << f.help;
    if (f.kind == Kind::kList) os << " (repeatable)";
    if (f.required) os << " (required)";
    if (!f.default_value.empty()) os << " (default " << f.default_value << ")";
    os << "\n";
  }
  return os.str();
}

int RunSubcommand(const std::string& program, const std::vector<Subcommand>& commands, int argc,
                  char** argv) {
  auto usage = [&](std::ostream& os) {
    os << "usage: " << program << " COMMAND [flags]\n\ncommands:\n";
    for (const Subcommand& c : commands) os << "  " << c.name << " " << c.synopsis << "\n";
    os << "\nRun '" << program << " COMMAND --help' for a command's flags.\n";
  };
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h") {
    usage(std::cout);
    return 0;
  }
  for (const Subcommand& c : commands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::cerr << program << ": unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}

}  // namespace bioner
