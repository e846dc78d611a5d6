#include "core/config/yaml_keys.h"

#include <gtest/gtest.h>

namespace bioner::config {
namespace {

// The message of reading `yaml` with `read`, or "" if it succeeds.
template <typename F>
std::string Refusal(const std::string& yaml, F read) {
  auto r = KeyReader::Parse(yaml, "x.yaml");
  if (!r.ok()) return r.status().message();
  Status s = read(*r);
  if (s.ok()) s = r->Finish();
  EXPECT_TRUE(s.ok() || s.code() == StatusCode::kInvalidArgument) << s;
  return s.ok() ? "" : s.message();
}

TEST(KeyReader, ReadsTypedKeysAndLeavesAbsentOnesAtTheirDefault) {
  auto r = KeyReader::Parse("n: 7\nx: 0.5\nb: true\ns: hi\nl: [a, b]\none: c\nlisten: \"[::1]:80\"\n", "x.yaml");
  ASSERT_TRUE(r.ok()) << r.status();
  int64_t n = 1, absent = 42;
  double x = 0;
  bool b = false;
  std::optional<bool> ob;
  std::optional<double> od;
  std::string s, listen = "0.0.0.0:1";
  std::vector<std::string> l, one, none = {"kept"};
  ASSERT_TRUE(r->Int("n", &n, 0, 10).ok());
  ASSERT_TRUE(r->Int("absent", &absent).ok());
  ASSERT_TRUE(r->Number("x", &x).ok());
  ASSERT_TRUE(r->Bool("b", &b).ok());
  ASSERT_TRUE(r->Bool("ob", &ob).ok());
  ASSERT_TRUE(r->Number("od", &od).ok());
  ASSERT_TRUE(r->String("s", &s).ok());
  ASSERT_TRUE(r->StringList("l", &l).ok());
  ASSERT_TRUE(r->StringList("one", &one).ok());
  ASSERT_TRUE(r->StringList("none", &none).ok());
  ASSERT_TRUE(r->Address("listen", &listen).ok());
  ASSERT_TRUE(r->Finish().ok());
  EXPECT_EQ(n, 7);
  EXPECT_EQ(absent, 42);
  EXPECT_EQ(x, 0.5);
  EXPECT_TRUE(b);
  EXPECT_FALSE(ob.has_value());
  EXPECT_FALSE(od.has_value());
  EXPECT_EQ(s, "hi");
  EXPECT_EQ(l, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(one, (std::vector<std::string>{"c"}));
  EXPECT_EQ(none, (std::vector<std::string>{"kept"}));
  EXPECT_EQ(listen, "[::1]:80");
}

TEST(KeyReader, OneWordingForEveryRefusal) {
  int64_t v = 0;
  std::string s;
  auto int_v = [&](KeyReader& r) { return r.Int("v", &v, 0, 9); };
  EXPECT_EQ(Refusal("v: lots\n", int_v), "x.yaml: key 'v' must be an integer, got 'lots'");
  EXPECT_EQ(Refusal("v: 10\n", int_v), "x.yaml: key 'v' 10 is out of range [0, 9]");
  EXPECT_EQ(Refusal("v:\n", int_v), "x.yaml: key 'v' has no value");
  EXPECT_EQ(Refusal("v: [1]\n", int_v), "x.yaml: key 'v' must be an integer");
  EXPECT_EQ(Refusal("v: 1\nv: 2\n", int_v), "x.yaml: key 'v' appears twice");
  EXPECT_EQ(Refusal("v: 1\nw: 2\n", int_v), "x.yaml: unknown key 'w' (known keys: v)");
  EXPECT_EQ(Refusal("- a\n", int_v), "x.yaml: must be a YAML mapping of keys to values");
  EXPECT_EQ(Refusal("v: [1\n", int_v).rfind("x.yaml: line ", 0), 0u);
  EXPECT_EQ(Refusal("a: b:c\n", [&](KeyReader& r) { return r.Address("a", &s); }),
            "x.yaml: key 'a' 'b:c' is not host:port");
  EXPECT_EQ(Refusal("a: h:70000\n", [&](KeyReader& r) { return r.Address("a", &s); }),
            "x.yaml: key 'a' 'h:70000' is not host:port");
}

TEST(KeyReader, SectionsNameTheirKeysByPathAndCheckTheirOwnKeys) {
  int64_t v = 0;
  auto nested = [&](KeyReader& r) -> Status {
    ASSIGN_OR_RETURN(KeyReader limits, r.Section("limits"));
    RETURN_IF_ERROR(limits.Int("v", &v, 0, 9));
    return limits.Finish();
  };
  EXPECT_EQ(Refusal("limits:\n  v: 12\n", nested), "x.yaml: key 'limits.v' 12 is out of range [0, 9]");
  EXPECT_EQ(Refusal("limits:\n  w: 1\n", nested), "x.yaml: unknown key 'limits.w' (known keys: v)");
  EXPECT_EQ(Refusal("limits: 5\n", nested), "x.yaml: key 'limits' must be a mapping");
  EXPECT_EQ(Refusal("other: 1\n", nested), "x.yaml: unknown key 'other' (known keys: limits)");
  EXPECT_EQ(Refusal("", nested), "");  // an absent section reads as empty
  EXPECT_EQ(Refusal("limits:\n  v: 3\n", nested), "");
  EXPECT_EQ(v, 3);
}

}  // namespace
}  // namespace bioner::config
