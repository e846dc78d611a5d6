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

}  // namespace
}  // namespace bioner
