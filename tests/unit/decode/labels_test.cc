#include "core/model/labels.h"

#include <gtest/gtest.h>

#include <random>

namespace bioner {
namespace {

std::vector<LabelSpan> D(std::vector<std::string> seq) { return DecodeSpans(seq); }

TEST(Labels, ParsesSchemeFromId2Label) {
  auto bio = LabelSet::Create({"O", "B-Disease", "I-Disease"});
  ASSERT_TRUE(bio.ok());
  EXPECT_EQ(bio->scheme(), LabelScheme::kBIO);
  EXPECT_EQ(bio->outside_id(), 0);
  EXPECT_EQ(bio->types(), std::vector<std::string>{"Disease"});
  auto bioes = LabelSet::Create({"B-Gene", "I-Gene", "E-Gene", "S-Gene", "O"});
  ASSERT_TRUE(bioes.ok());
  EXPECT_EQ(bioes->scheme(), LabelScheme::kBIOES);
  EXPECT_EQ(bioes->outside_id(), 4);
}

TEST(Labels, RefusesMalformedLabelSets) {
  EXPECT_NE(LabelSet::Create({"O", "X-Gene"}).status().message().find("X-Gene"), std::string::npos);
  EXPECT_FALSE(LabelSet::Create({"B-Gene", "I-Gene"}).ok());       // no O
  EXPECT_FALSE(LabelSet::Create({"O", "I-Gene"}).ok());            // no B-
  EXPECT_FALSE(LabelSet::Create({"O", "O", "B-Gene"}).ok());       // duplicate
  EXPECT_FALSE(LabelSet::Create({"O", "B-Gene", "S-Gene"}).ok());  // BIOES without E-
}

TEST(Labels, DecodesBio) {
  EXPECT_EQ(D({"B-G", "I-G", "O", "B-G", "B-G", "I-G"}),
            (std::vector<LabelSpan>{{0, 2, "G"}, {3, 4, "G"}, {4, 6, "G"}}));
  // Ill-formed: I- after O or after another type starts a new span.
  EXPECT_EQ(D({"O", "I-G", "I-G", "I-C", "O"}),
            (std::vector<LabelSpan>{{1, 3, "G"}, {3, 4, "C"}}));
  EXPECT_EQ(D({"I-G"}), (std::vector<LabelSpan>{{0, 1, "G"}}));
  EXPECT_TRUE(D({}).empty());
  EXPECT_TRUE(D({"O", "junk"}).empty());
}

TEST(Labels, DecodesBioes) {
  EXPECT_EQ(D({"S-G", "B-G", "I-G", "E-G", "O", "B-G", "E-G", "E-G"}),
            (std::vector<LabelSpan>{{0, 1, "G"}, {1, 4, "G"}, {5, 7, "G"}, {7, 8, "G"}}));
  // A B- left open is closed at the next B-/S-/O or at the end.
  EXPECT_EQ(D({"B-G", "S-G", "B-G", "I-G"}),
            (std::vector<LabelSpan>{{0, 1, "G"}, {1, 2, "G"}, {2, 4, "G"}}));
}

TEST(Labels, EncodeDecodeRoundTripOnRandomSpans) {
  std::mt19937 rng(7);
  for (LabelScheme scheme : {LabelScheme::kBIO, LabelScheme::kBIOES}) {
    for (int trial = 0; trial < 500; ++trial) {
      const int n = 1 + rng() % 30;
      std::vector<LabelSpan> spans;
      for (int i = 0; i < n;) {
        if (rng() % 3 == 0) {
          const int len = 1 + rng() % 4;
          const int end = std::min(n, i + len);
          spans.push_back({i, end, rng() % 2 ? "Gene" : "Disease"});
          i = end;
        } else {
          ++i;
        }
      }
      EXPECT_EQ(D(EncodeSpans(spans, n, scheme)), spans);
    }
  }
}

}  // namespace
}  // namespace bioner
