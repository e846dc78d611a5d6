// Helpers shared by the core/train tests: temporary folders, a tiny random BERT with a small
// vocabulary, and a synthetic tagging task (entities are words from a fixed list, which never
// occur outside entities) written as JSONL.
#ifndef BIONER_TESTS_UNIT_TRAIN_TRAIN_TEST_UTIL_H_
#define BIONER_TESTS_UNIT_TRAIN_TRAIN_TEST_UTIL_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/doc/document.h"
#include "core/doc/jsonl.h"
#include "core/model/embedding_table.h"
#include "core/model/token_classifier.h"
#include "tests/support/temp_dir.h"

namespace bioner::train_testing {

class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("train_test") {}
};
using test_support::Slurp;
inline void WriteText(const std::string& path, const std::string& text) { test_support::Spit(path, text); }

inline const std::vector<std::string>& FillerWords() {
  static const std::vector<std::string> w = {"the", "a", "of", "in", "and", "patients", "with", "was", "were",
                                             "treated", "study", "cells", "we", "found", "level", "after",
                                             "dose", "group", "high", "low", "risk", "effect", "on", "by"};
  return w;
}
// Entity words; "kinase" + "##s" exercises a word of two subword tokens.
inline const std::vector<std::string>& EntityWords() {
  static const std::vector<std::string> w = {"aspirin", "heparin", "insulin", "kinase", "warfarin", "cisplatin"};
  return w;
}
// Second words of two-word entities ("heparin sodium"): they occur only there, so B- and I-
// are told apart by the word itself and a tiny model learns the task in a few hundred steps.
inline const std::vector<std::string>& SecondWords() {
  static const std::vector<std::string> w = {"sodium", "acid", "hydrochloride"};
  return w;
}

inline std::string TinyVocab() {
  std::string v = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n.\n,\n##s\n";
  for (const auto& w : FillerWords()) v += w + "\n";
  for (const auto& w : EntityWords()) v += w + "\n";
  for (const auto& w : SecondWords()) v += w + "\n";
  return v;
}

// A 2-layer BERT with hidden size 32 over TinyVocab(); encoder-only (fresh head in training).
inline void MakeTinyModel(const std::string& dir, int max_positions = 64) {
  BertConfig c;
  c.vocab_size = 8 + static_cast<int64_t>(FillerWords().size() + EntityWords().size() + SecondWords().size());
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 64;
  c.max_position_embeddings = max_positions;
  Status s = CreateRandomModel(c, dir, 7, TinyVocab());
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

// An embedding table for a BiLSTM-CRF on the synthetic task: every word of it except `skip` (an
// out-of-table word that only character features can recognise), random 8-dim vectors. Returns
// the table's sha256.
inline std::string MakeTinyEmbeddingTable(const std::string& dir, const std::string& skip = "") {
  EmbeddingTableData data;
  data.dim = 8;
  data.words.push_back(kEmbeddingUnknownWord);
  for (const auto* list : {&FillerWords(), &EntityWords(), &SecondWords()}) {
    for (const auto& w : *list) {
      if (w != skip) data.words.push_back(w);
    }
  }
  data.words.push_back(".");
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  data.vectors.assign(data.words.size() * 8, 0.0f);
  for (size_t i = 8; i < data.vectors.size(); ++i) data.vectors[i] = normal(rng);
  std::filesystem::create_directories(dir);
  auto sha = WriteEmbeddingTable(dir, data);
  if (!sha.ok()) throw std::runtime_error(sha.status().ToString());
  return *sha;
}

// `n` documents of one passage each: filler sentences with 1-2 word entity mentions
// (type "Chemical"), some of them plural ("kinases"), some of two words ("aspirin acid").
inline std::vector<Document> SyntheticDocs(int n, uint64_t seed, const std::string& prefix) {
  std::mt19937_64 rng(seed);
  std::vector<Document> docs;
  for (int d = 0; d < n; ++d) {
    std::string text;
    std::vector<Entity> entities;
    const int words = 8 + static_cast<int>(rng() % 10);
    for (int i = 0; i < words; ++i) {
      if (!text.empty()) text += ' ';
      if (rng() % 4 == 0) {
        Entity e;
        e.start = text.size();  // ASCII: bytes are code points
        e.type = "Chemical";
        text += EntityWords()[rng() % EntityWords().size()];
        if (rng() % 3 == 0) text += "s";
        if (rng() % 3 == 0) text += " " + SecondWords()[rng() % SecondWords().size()];
        e.end = text.size();
        entities.push_back(e);
        text += " " + FillerWords()[rng() % FillerWords().size()];  // entities never touch
      } else {
        text += FillerWords()[rng() % FillerWords().size()];
      }
    }
    text += " .";
    auto doc = Document::Create(prefix + std::to_string(d), {{"text", 0, text}}, entities);
    if (!doc.ok()) throw std::runtime_error(doc.status().ToString());
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

inline void WriteDocs(const std::string& path, const std::vector<Document>& docs) {
  Status s = WriteJsonlFile(path, docs);
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

// A complete task folder: model/, train.jsonl, dev.jsonl, test.jsonl, repo/.
struct Task {
  std::string dir, model, train, dev, test, repo;
};

inline Task MakeTask(const std::string& dir, int train_docs = 300, int eval_docs = 60) {
  Task t{dir, dir + "/model", dir + "/synth_train.jsonl", dir + "/synth_dev.jsonl", dir + "/synth_test.jsonl",
         dir + "/repo"};
  MakeTinyModel(t.model);
  WriteDocs(t.train, SyntheticDocs(train_docs, 1, "tr"));
  WriteDocs(t.dev, SyntheticDocs(eval_docs, 2, "dv"));
  WriteDocs(t.test, SyntheticDocs(eval_docs, 3, "te"));
  return t;
}

// YAML for the synthetic task; `extra` lines are appended.
inline std::string TaskConfig(const Task& t, const std::string& extra = "", int epochs = 6) {
  return "model: " + t.model + "\nentity_type: Chemical\ntrain_files: [" + t.train + "]\ndev_files: [" + t.dev +
         "]\ntest_files: [" + t.test + "]\nmodel_repository: " + t.repo +
         "\nepochs: " + std::to_string(epochs) + "\nbatch_size: 8\nlearning_rate: 0.005\nwarmup_ratio: 0.1\nmax_seq_len: 32\n"
         "dropout: 0.1\nseed: 11\nnum_threads: 1\n" + extra;
}

}  // namespace bioner::train_testing

#endif  // BIONER_TESTS_UNIT_TRAIN_TRAIN_TEST_UTIL_H_
