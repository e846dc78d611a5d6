// bioner-trainer vocab: a WordPiece vocabulary from raw text (docs/VOCAB.md).
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/text/vocab_builder.h"
#include "core/util/file.h"
#include "trainer/commands.h"
#include "trainer/exit_code.h"
#include "trainer/text_flags.h"

namespace bioner::trainer {
namespace {

int Fail(const Status& s) { return FailCommand("vocab", s); }

}  // namespace

int RunVocab(int argc, char** argv) {
  ArgParser args("bioner-trainer vocab",
                 "Learns a WordPiece vocabulary (Hugging Face vocab.txt) from raw text, after removing the documents "
                 "of evaluation splits (docs/VOCAB.md).");
  AddTextFlags(&args);
  args.AddValue("out", "FILE", "vocab.txt to write", /*required=*/true);
  args.AddValue("size", "N", "vocabulary size, special tokens included", false, "30522");
  args.AddValue("min-frequency", "K", "words seen fewer times take no part in merges", false, "2");
  args.AddValue("limit-alphabet", "N", "most frequent characters kept as the alphabet", false, "1000");
  args.AddBool("lowercase", "an uncased vocabulary (lowercase and strip accents, as uncased BERT)");
  if (Status s = args.Parse(argc, argv); !s.ok()) return Fail(s);
  text::VocabBuilderOptions o;
  auto size = args.GetInt("size");
  auto min_frequency = args.GetInt("min-frequency");
  auto limit = args.GetInt("limit-alphabet");
  for (const auto* v : {&size, &min_frequency, &limit}) {
    if (!v->ok()) return Fail(v->status());
  }
  o.vocab_size = static_cast<int>(*size);
  o.min_frequency = *min_frequency;
  o.limit_alphabet = static_cast<int>(*limit);
  o.lowercase = args.GetBool("lowercase");
  auto builder = text::VocabBuilder::Create(o);
  if (!builder.ok()) return Fail(builder.status());
  auto excluded = ExclusionFromFlags(args);
  if (!excluded.ok()) return Fail(excluded.status());
  if (!args.Has("exclude-splits")) {
    std::cerr << "bioner-trainer vocab: WARNING: no --exclude-splits: dev/test documents are not filtered out\n";
  }
  train::TextStats stats;
  Status s = train::ReadTexts(
      args.GetList("in"), *excluded, [&](const train::TextRecord& r) { return builder->AddText(r.text); }, &stats);
  if (!s.ok()) return Fail(s);
  std::cerr << "bioner-trainer vocab: " << train::DescribeTextStats(stats, *excluded) << "\n"
            << "bioner-trainer vocab: " << builder->words_seen() << " words, " << builder->distinct_words()
            << " distinct\n";
  auto vocab = builder->Build();
  if (!vocab.ok()) return Fail(vocab.status());
  if (Status w = WriteFileAtomic(args.Get("out"), text::VocabTxt(*vocab)); !w.ok()) return Fail(w);
  std::cout << nlohmann::json({{"out", args.Get("out")},
                               {"size", vocab->size()},
                               {"documents", stats.documents_kept},
                               {"documents_removed", stats.documents_excluded}})
                   .dump()
            << "\n";
  return 0;
}

}  // namespace bioner::trainer
