#include "core/util/args.h"

#include <gtest/gtest.h>

namespace bioner {
namespace {

Status ParseArgs(ArgParser& p, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return p.Parse(static_cast<int>(argv.size()), argv.data(), 0);
}

ArgParser MakeParser() {
  ArgParser p("prog", "test");
  p.AddValue("vocab", "FILE", "vocab", /*required=*/true);
  p.AddBool("lowercase", "lc");
  p.AddList("model", "DIR", "models");
  p.AddValue("n", "N", "count", false, "3");
  return p;
}

TEST(ArgParser, ParsesAllForms) {
  ArgParser p = MakeParser();
  ASSERT_TRUE(ParseArgs(p, {"--vocab", "v.txt", "--lowercase", "--model=a", "--model", "b", "pos"}).ok());
  EXPECT_EQ(p.Get("vocab"), "v.txt");
  EXPECT_TRUE(p.GetBool("lowercase"));
  EXPECT_EQ(p.GetList("model"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*p.GetInt("n"), 3);
  EXPECT_EQ(p.positional(), (std::vector<std::string>{"pos"}));
}

TEST(ArgParser, ErrorsNameTheFlag) {
  ArgParser p1 = MakeParser();
  Status s = ParseArgs(p1, {"--vocab", "v", "--bogus"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--bogus"), std::string::npos);
  ArgParser p2 = MakeParser();
  s = ParseArgs(p2, {"--lowercase"});
  EXPECT_NE(s.message().find("--vocab"), std::string::npos);
  ArgParser p3 = MakeParser();
  s = ParseArgs(p3, {"--vocab"});
  EXPECT_NE(s.message().find("needs a value"), std::string::npos);
  ArgParser p4 = MakeParser();
  ASSERT_TRUE(ParseArgs(p4, {"--vocab", "v", "--n", "x1"}).ok());
  EXPECT_FALSE(p4.GetInt("n").ok());
}

TEST(ArgParser, Doubles) {
  ArgParser p("prog", "summary");
  p.AddValue("lr", "LR", "learning rate", false, "5e-4");
  p.AddValue("bad", "X", "not a number", false, "0.1x");
  ASSERT_TRUE(ParseArgs(p, {}).ok());
  EXPECT_DOUBLE_EQ(*p.GetDouble("lr"), 5e-4);
  Status s = p.GetDouble("bad").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--bad expects a number, got '0.1x'"), std::string::npos);
}

}  // namespace
}  // namespace bioner

namespace bioner {
namespace {

int RecordArgs(int argc, char** argv) { return argc * 10 + (std::string(argv[0]) == "b" ? 1 : 0); }

TEST(RunSubcommand, DispatchesByNameAndRefusesUnknownOnes) {
  const std::vector<Subcommand> table = {{"a", "", RecordArgs}, {"b", "", RecordArgs}};
  std::string prog = "prog", b = "b", x = "x", flag = "--flag", help = "--help";
  char* with_b[] = {prog.data(), b.data(), flag.data()};
  EXPECT_EQ(RunSubcommand("prog", table, 3, with_b), 21);  // argv[0] = "b", 2 arguments
  char* unknown[] = {prog.data(), x.data()};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunSubcommand("prog", table, 2, unknown), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("unknown command 'x'"), std::string::npos);
  char* none[] = {prog.data()};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunSubcommand("prog", table, 1, none), 2);
  ::testing::internal::GetCapturedStderr();
  char* with_help[] = {prog.data(), help.data()};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunSubcommand("prog", table, 2, with_help), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("commands:"), std::string::npos);
}

TEST(ArgParser, ParseCommandLineGivesExitCodes) {
  ArgParser p("prog", "test");
  p.AddValue("x", "X", "x", /*required=*/true);
  std::string prog = "prog", help = "--help", bogus = "--bogus";
  char* good[] = {prog.data(), const_cast<char*>("--x"), const_cast<char*>("1")};
  EXPECT_FALSE(p.ParseCommandLine(3, good).has_value());
  ArgParser q("prog", "test");
  char* bad[] = {prog.data(), bogus.data()};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(q.ParseCommandLine(2, bad), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("--bogus"), std::string::npos);
  ArgParser r("prog", "test");
  char* h[] = {prog.data(), help.data()};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(r.ParseCommandLine(2, h), 0);
  ::testing::internal::GetCapturedStdout();
}

}  // namespace
}  // namespace bioner
