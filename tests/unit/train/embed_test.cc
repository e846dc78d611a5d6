// Word embeddings: the table format (core/model/embedding_table.h) and the fastText driver
// (core/train/embed.h), checked against libfasttext itself on a small synthetic corpus.
#include "core/train/embed.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/model/embedding_table.h"
#include "core/model/half.h"
#include "tests/support/temp_dir.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using test_support::Slurp;
using test_support::Spit;

class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("embed_test") {}
};

std::vector<float> Row(const EmbeddingTable& t, int64_t row) {
  std::vector<float> v(t.dim());
  t.CopyRow(row, v.data());
  return v;
}

std::vector<float> FastTextVector(const fasttext::FastText& ft, const std::string& word) {
  fasttext::Vector v(ft.getDimension());
  ft.getWordVector(v, word);
  return std::vector<float>(v.data(), v.data() + v.size());
}

EmbeddingTableData SmallTable() {
  EmbeddingTableData d;
  d.dim = 3;
  d.words = {kEmbeddingUnknownWord, "kinase", "IL", "-", "naïve"};
  d.vectors = {0, 0, 0, 1, 2, 3, -1.5f, 0.25f, 7, 1e-8f, -0.0f, 4, 9, 8, 7};
  d.training_json = R"({"note": "test"})";
  return d;
}

TEST(EmbeddingTable, RoundTrip) {
  TempDir dir;
  const EmbeddingTableData d = SmallTable();
  auto sha = WriteEmbeddingTable(dir.path(), d);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(sha->size(), 64u);
  EXPECT_EQ(Slurp(dir.file("words.txt")), "<unk>\nkinase\nIL\n-\nnaïve\n");

  auto t = EmbeddingTable::Load(dir.path());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->words(), d.words);
  EXPECT_EQ(t->dim(), 3);
  EXPECT_EQ(t->size(), 5);
  EXPECT_EQ(t->sha256(), *sha);
  EXPECT_FALSE(t->lowercase());
  for (int64_t r = 0; r < t->size(); ++r) {
    EXPECT_EQ(Row(*t, r), std::vector<float>(d.vectors.begin() + r * 3, d.vectors.begin() + r * 3 + 3)) << r;
  }
  EXPECT_EQ(t->Lookup("IL"), 2);
  EXPECT_EQ(t->Lookup("naïve"), 4);
  EXPECT_EQ(t->Lookup("il"), 0);  // exact: casing is the pre-tokenizer's business
  EXPECT_EQ(t->Vector("never-seen"), std::vector<float>(3, 0.0f));
  EXPECT_EQ(t->matrix_bytes().size(), 5u * 3 * sizeof(float));
  const auto info = nlohmann::json::parse(t->info_json());
  EXPECT_EQ(info["sha256"], *sha);
  EXPECT_EQ(info["training"]["note"], "test");

  // The hash covers the contents: another vector, another hash.
  TempDir other;
  EmbeddingTableData d2 = d;
  d2.vectors[4] = 2.5f;
  auto sha2 = WriteEmbeddingTable(other.path(), d2);
  ASSERT_TRUE(sha2.ok());
  EXPECT_NE(*sha2, *sha);
}

TEST(EmbeddingTable, LoadRefusesDamagedOrForeignFolders) {
  TempDir dir;
  auto missing = EmbeddingTable::Load(dir.file("nope"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir.file("nope")), std::string::npos);
  auto empty = EmbeddingTable::Load(dir.path());  // a folder without the files
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound) << empty.status().ToString();
  EXPECT_NE(empty.status().message().find("embedding.json"), std::string::npos);

  ASSERT_TRUE(WriteEmbeddingTable(dir.path(), SmallTable()).ok());
  const std::string words = Slurp(dir.file("words.txt"));
  Spit(dir.file("words.txt"), "<unk>\nkinasE\nIL\n-\nnaïve\n");  // same size, other content
  auto tampered = EmbeddingTable::Load(dir.path());
  EXPECT_EQ(tampered.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tampered.status().message().find("hash"), std::string::npos) << tampered.status().ToString();
  Spit(dir.file("words.txt"), words);
  ASSERT_TRUE(EmbeddingTable::Load(dir.path()).ok());

  auto info = nlohmann::json::parse(Slurp(dir.file("embedding.json")));
  info["version"] = 99;
  Spit(dir.file("embedding.json"), info.dump());
  EXPECT_EQ(EmbeddingTable::Load(dir.path()).status().code(), StatusCode::kInvalidArgument);
}

TEST(EmbeddingTable, WriterRefusesDataThatBreaksTheFormat) {
  TempDir dir;
  auto bad = [&](auto edit) {
    EmbeddingTableData d = SmallTable();
    edit(&d);
    return WriteEmbeddingTable(dir.path(), d).status().code();
  };
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->words[0] = "kinases"; }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->words[2] = "kinase"; }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->words[2] = "two words"; }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->words[2] = "line\nbreak"; }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->vectors.pop_back(); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->vectors[0] = 1; }), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad([](EmbeddingTableData* d) { d->vectors[5] = std::nanf(""); }), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir.file("words.txt")));
}

TEST(EmbeddingTable, F16HalvesTheVectorsAndReadsBackTheRoundedValues) {
  TempDir f32_dir, f16_dir;
  EmbeddingTableData d = SmallTable();
  d.vectors[4] = 0.1f;  // not exact in F16
  auto sha32 = WriteEmbeddingTable(f32_dir.path(), d);
  d.dtype = DType::kF16;
  auto sha16 = WriteEmbeddingTable(f16_dir.path(), d);
  ASSERT_TRUE(sha32.ok() && sha16.ok()) << sha16.status().ToString();
  EXPECT_NE(*sha16, *sha32);  // a model names the exact table it was trained on

  auto t = EmbeddingTable::Load(f16_dir.path());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->dtype(), DType::kF16);
  EXPECT_EQ(t->matrix_bytes().size(), 5u * 3 * 2);
  EXPECT_EQ(nlohmann::json::parse(t->info_json())["dtype"], "F16");
  for (int64_t r = 0; r < t->size(); ++r) {
    const std::vector<float> got = Row(*t, r);
    for (int k = 0; k < 3; ++k) {
      const float want = d.vectors[r * 3 + k];
      EXPECT_EQ(got[k], HalfToFloat(FloatToHalf(want))) << r << "," << k;
      // 11 significant bits; below 2^-24 (the smallest subnormal half) a value becomes 0.
      EXPECT_NEAR(got[k], want, std::max(std::abs(want) / 1024, 3e-8f)) << r << "," << k;
    }
  }
  EXPECT_NE(Row(*t, 1)[1], 0.1f);

  // Beyond F16's range is refused rather than stored as infinity; BF16 is not a table dtype.
  TempDir bad;
  EmbeddingTableData big = d;
  big.vectors[6] = 70000.0f;
  auto refused = WriteEmbeddingTable(bad.path(), big);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("'IL'"), std::string::npos) << refused.status().ToString();
  big = d;
  big.dtype = DType::kBF16;
  EXPECT_EQ(WriteEmbeddingTable(bad.path(), big).status().code(), StatusCode::kInvalidArgument);
}

TEST(ConvertEmbeddings, SameWordsRoundedVectorsNewHashAndProvenance) {
  TempDir dir;
  ASSERT_TRUE(fs::create_directories(dir.file("f32")));
  auto sha32 = WriteEmbeddingTable(dir.file("f32"), SmallTable());
  ASSERT_TRUE(sha32.ok());
  auto sha16 = ConvertEmbeddings(dir.file("f32"), dir.file("f16"), DType::kF16);
  ASSERT_TRUE(sha16.ok()) << sha16.status().ToString();
  auto a = EmbeddingTable::Load(dir.file("f32"));
  auto b = EmbeddingTable::Load(dir.file("f16"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->sha256(), *sha16);
  EXPECT_EQ(b->words(), a->words());
  EXPECT_EQ(b->dtype(), DType::kF16);
  for (int64_t r = 0; r < a->size(); ++r) {
    std::vector<float> want = Row(*a, r);
    for (float& v : want) v = HalfToFloat(FloatToHalf(v));
    EXPECT_EQ(Row(*b, r), want) << r;
  }
  const auto info = nlohmann::json::parse(b->info_json());
  EXPECT_EQ(info["training"]["note"], "test");  // the source's provenance is kept
  EXPECT_EQ(info["training"]["converted_from"]["sha256"], *sha32);
  EXPECT_EQ(info["training"]["converted_from"]["dtype"], "F32");

  // Back to F32: exactly the F16 values, yet another hash.
  auto back = ConvertEmbeddings(dir.file("f16"), dir.file("back"), DType::kF32);
  ASSERT_TRUE(back.ok());
  auto c = EmbeddingTable::Load(dir.file("back"));
  ASSERT_TRUE(c.ok());
  for (int64_t r = 0; r < c->size(); ++r) EXPECT_EQ(Row(*c, r), Row(*b, r));

  EXPECT_EQ(ConvertEmbeddings(dir.file("f32"), dir.file("f16"), DType::kF16).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ConvertEmbeddings(dir.file("nope"), dir.file("x"), DType::kF16).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.file("x")));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().rfind(".tmp", 0), std::string::npos) << "left behind: " << e.path();
  }
}

// A synthetic corpus: documents of words drawn from a small vocabulary (already split as the
// pre-tokenizer splits them), one document with punctuation that the pre-tokenizer splits,
// and rare words.
struct Corpus {
  std::vector<std::string> pretokenized;  // the kept documents as fastText must see them, in order
  std::string shard, train_split;         // file contents
};

std::string Record(const std::string& pmid, const std::string& text) {
  return nlohmann::json({{"pmid", pmid}, {"text", text}}).dump() + "\n";
}

Corpus MakeCorpus() {
  const std::vector<std::string> vocab = {"the", "protein", "kinase", "binds", "receptor", "cells", "were",
                                          "treated", "with", "insulin", "and", "glucose", "levels", "rose",
                                          "in", "mice", "tumour", "growth", "was", "inhibited"};
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> pick(0, vocab.size() - 1);
  Corpus c;
  for (int doc = 0; doc < 120; ++doc) {
    std::string text;
    for (int w = 0; w < 30; ++w) text += (w ? " " : "") + vocab[pick(rng)];
    c.shard += Record(std::to_string(1000 + doc), text);
    c.pretokenized.push_back(text);
  }
  // Split by the pre-tokenizer: "IL-2-induced" is IL - 2 - induced.
  c.shard += Record("2000", "IL-2-induced kinase activity (in mice).");
  c.pretokenized.push_back("IL - 2 - induced kinase activity ( in mice ) .");
  // Once only, and not in a train split: fastText drops it, so does the table.
  c.shard += Record("2001", "the protein rarewordalpha binds");
  c.pretokenized.push_back("the protein rarewordalpha binds");
  // A dev/test document: removed before anything sees it.
  c.shard += Record("555", "the evaluationonlyword binds");
  // Train split: its rare words are kept with their n-gram vectors.
  c.train_split += Record("3000", "insulin receptor phosphokinases were treated");
  c.pretokenized.push_back("insulin receptor phosphokinases were treated");
  c.train_split += Record("3001", "IL-2-induced receptor");
  c.pretokenized.push_back("IL - 2 - induced receptor");
  c.train_split += Record("PMID-555", "the trainevaluationword binds");  // a train doc with a dev/test id
  return c;
}

EmbedConfig TinyConfig(const TempDir& dir) {
  EmbedConfig c;
  c.inputs = {dir.file("shard.jsonl")};
  c.train_splits = {dir.file("train.jsonl")};
  c.out = dir.file("emb");
  c.dim = 8;
  c.epochs = 3;
  c.minn = 2;
  c.maxn = 4;
  c.min_count = 3;
  c.bucket = 5000;
  c.threads = 1;
  c.seed = 7;
  return c;
}

TEST(TrainEmbeddings, VectorsAreLibfasttextsForWordsInAndOutOfTheTable) {
  TempDir dir;
  const Corpus corpus = MakeCorpus();
  Spit(dir.file("shard.jsonl"), corpus.shard);
  Spit(dir.file("train.jsonl"), corpus.train_split);
  EmbedConfig c = TinyConfig(dir);
  c.keep_fasttext_bin = true;
  ExcludedIds excluded;
  excluded.Add("555");
  std::ostringstream log;
  auto out = TrainEmbeddings(c, excluded, &log);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->text_stats.documents_read, 126);
  EXPECT_EQ(out->text_stats.documents_excluded, 2);
  EXPECT_EQ(out->train_split_stats.documents_excluded, 1);
  EXPECT_EQ(out->text_stats.documents_kept, 124);
  EXPECT_NE(log.str().find("embed: training"), std::string::npos) << log.str();
  EXPECT_FALSE(fs::exists(dir.file("emb/fasttext-input.txt")));

  auto table = EmbeddingTable::Load(c.out);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->sha256(), out->sha256);
  EXPECT_EQ(table->size(), out->table_words);
  const auto info = nlohmann::json::parse(table->info_json());
  EXPECT_EQ(info["training"]["documents_removed_by_id"], 2);
  EXPECT_EQ(info["training"]["minn"], 2);

  // The same model, from fastText's own file.
  fasttext::FastText saved;
  saved.loadModel(dir.file("emb/fasttext.bin"));
  // An independent run of the library on the file the driver must have written.
  std::string text;
  for (const auto& d : corpus.pretokenized) text += d + "\n";
  Spit(dir.file("expected-input.txt"), text);
  fasttext::Args args;
  args.input = dir.file("expected-input.txt");
  args.model = fasttext::model_name::sg;
  args.loss = fasttext::loss_name::ns;
  args.dim = 8;
  args.epoch = 3;
  args.minn = 2;
  args.maxn = 4;
  args.minCount = 3;
  args.bucket = 5000;
  args.thread = 1;
  args.seed = 7;
  args.verbose = 0;
  fasttext::FastText direct;
  direct.train(args);

  // Every word of the table is the library's vector of that word, from either model.
  ASSERT_EQ(table->words()[0], kEmbeddingUnknownWord);
  for (int64_t r = 1; r < table->size(); ++r) {
    const std::string& w = table->words()[r];
    EXPECT_EQ(Row(*table, r), FastTextVector(saved, w)) << w;
    EXPECT_EQ(Row(*table, r), FastTextVector(direct, w)) << w;
  }
  // Frequent words are there, and the pre-tokenizer's split of "IL-2-induced".
  for (const char* w : {"kinase", "insulin", "the", "mice"}) EXPECT_GT(table->Lookup(w), 0) << w;
  for (const char* w : {"IL", "-", "2", "induced"}) EXPECT_GT(table->Lookup(w), 0) << w;  // train split
  EXPECT_EQ(table->Lookup("IL-2-induced"), 0);
  EXPECT_EQ(table->Lookup("activity"), 0);  // once, outside the train splits
  // A train-split word seen once: kept, with the mean of its n-gram vectors (fastText drops it).
  EXPECT_GT(table->Lookup("phosphokinases"), 0);
  EXPECT_EQ(direct.getWordId("phosphokinases"), -1);
  EXPECT_EQ(table->Vector("phosphokinases"), FastTextVector(direct, "phosphokinases"));
  EXPECT_NE(table->Vector("phosphokinases"), std::vector<float>(8, 0.0f));
  EXPECT_EQ(info["training"]["train_split_words_below_min_count"], out->train_words_added);
  EXPECT_GE(out->train_words_added, 1);
  // Out of the table: the documented fallback, the <unk> row of zeros, where the library would
  // compose n-grams. A rare word outside the train splits and a removed document's words are out.
  for (const char* w : {"rarewordalpha", "evaluationonlyword", "trainevaluationword", "kinases"}) {
    EXPECT_EQ(table->Lookup(w), 0) << w;
    EXPECT_EQ(table->Vector(w), std::vector<float>(8, 0.0f)) << w;
    EXPECT_NE(FastTextVector(saved, w), std::vector<float>(8, 0.0f)) << w;
  }
  // Rows: <unk>, then by decreasing count.
  const auto& dict = *direct.getDictionary();
  EXPECT_EQ(out->dictionary_words, dict.nwords() - (dict.getId("</s>") >= 0 ? 1 : 0));
  EXPECT_EQ(table->size(), 1 + out->dictionary_words + out->train_words_added);
}

TEST(TrainEmbeddings, SameSeedOneThreadSameTable) {
  TempDir dir;
  const Corpus corpus = MakeCorpus();
  Spit(dir.file("shard.jsonl"), corpus.shard);
  Spit(dir.file("train.jsonl"), corpus.train_split);
  EmbedConfig c = TinyConfig(dir);
  auto a = TrainEmbeddings(c, {}, nullptr);
  c.out = dir.file("emb2");
  auto b = TrainEmbeddings(c, {}, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->sha256, b->sha256);
  EXPECT_EQ(a->text_stats.documents_excluded, 0);
}

TEST(TrainEmbeddings, LowercaseFoldsTheWords) {
  TempDir dir;
  const Corpus corpus = MakeCorpus();
  Spit(dir.file("shard.jsonl"), corpus.shard);
  Spit(dir.file("train.jsonl"), corpus.train_split + Record("3002", "Naïve cells"));
  EmbedConfig c = TinyConfig(dir);
  c.lowercase = true;
  auto out = TrainEmbeddings(c, {}, nullptr);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto table = EmbeddingTable::Load(c.out);
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE(table->lowercase());
  EXPECT_GT(table->Lookup("il"), 0);
  EXPECT_GT(table->Lookup("naive"), 0);  // accents stripped, as uncased BERT
  EXPECT_EQ(table->Lookup("IL"), 0);
}

TEST(TrainEmbeddings, RefusesBadFlagsBeforeAnyWork) {
  TempDir dir;
  Spit(dir.file("shard.jsonl"), Record("1", "a b c"));
  Spit(dir.file("train.jsonl"), Record("2", "a b c"));
  auto check = [&](auto edit, StatusCode code, const std::string& names) {
    EmbedConfig c = TinyConfig(dir);
    edit(&c);
    Status s = CheckEmbedConfig(c);
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_NE(s.message().find(names), std::string::npos) << s.ToString();
    EXPECT_EQ(TrainEmbeddings(c, {}, nullptr).status().code(), code);
  };
  check([&](EmbedConfig* c) { c->inputs = {dir.file("missing.jsonl")}; }, StatusCode::kNotFound, "--in");
  check([&](EmbedConfig* c) { c->train_splits = {dir.file("gone")}; }, StatusCode::kNotFound, "--train-split");
  check([&](EmbedConfig* c) { c->inputs = {dir.path()}; }, StatusCode::kInvalidArgument, "a folder; give its files");
  check([&](EmbedConfig* c) { c->out = dir.path(); }, StatusCode::kAlreadyExists, "--out");
  check([&](EmbedConfig* c) { c->out = dir.file("no/such/parent/emb"); }, StatusCode::kNotFound, "--out");
  check([](EmbedConfig* c) { c->minn = 5; }, StatusCode::kInvalidArgument, "--minn");
  check([](EmbedConfig* c) { c->dim = 0; }, StatusCode::kInvalidArgument, "--dim");
  check([](EmbedConfig* c) { c->threads = 0; }, StatusCode::kInvalidArgument, "--threads");
  check([](EmbedConfig* c) { c->lr = 0; }, StatusCode::kInvalidArgument, "--lr");
  EXPECT_FALSE(fs::exists(dir.file("emb")));
}

TEST(TrainEmbeddings, TooFewWordsIsAnErrorAndLeavesNothing) {
  TempDir dir;
  Spit(dir.file("shard.jsonl"), Record("1", "a b c"));
  EmbedConfig c = TinyConfig(dir);
  c.train_splits.clear();
  c.min_count = 100;  // fastText: empty vocabulary
  auto out = TrainEmbeddings(c, {}, nullptr);
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << out.status().ToString();
  EXPECT_NE(out.status().message().find("fastText"), std::string::npos);
  EXPECT_FALSE(fs::exists(c.out));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace bioner::train
